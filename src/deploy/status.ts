/** The states of a deploy that get a notice. `started` sends; the others edit the started message when there is one. */
export const DEPLOY_STATUSES = ['started', 'success', 'failure', 'cancelled'] as const

export type DeployStatus = (typeof DEPLOY_STATUSES)[number]

export const DEPLOY_STATUS_ICONS: Readonly<Record<DeployStatus, string>> = {
  started: '🚀',
  success: '✅',
  failure: '❌',
  cancelled: '🚫',
}

export function isDeployStatus(value: string): value is DeployStatus {
  return (DEPLOY_STATUSES as readonly string[]).includes(value)
}

/**
 * The headline in words, e.g. `Deployed fastpay/api to production`. `subject` is the repository (any part may be
 * missing), `target` the environment.
 */
export function deployHeadline(status: DeployStatus, subject?: string, target?: string): string {
  const what = subject ? ` ${subject}` : ''
  const where = target ? ` to ${target}` : ''
  switch (status) {
    case 'started':
      return `Deploying${what}${where}`
    case 'success':
      return `Deployed${what}${where}`
    case 'failure':
      return subject || target ? `Deploy of${what}${where} failed` : 'Deploy failed'
    case 'cancelled':
      return subject || target ? `Deploy of${what}${where} cancelled` : 'Deploy cancelled'
  }
}
