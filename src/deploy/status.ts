/** The states of a deploy that get a notice. Each edits the deploy's notice when there is one; else it sends one. */
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

/**
 * GitHub's deployment states (a `deployment_status` event's `state`) as notice statuses: the Action follows them
 * when no `status` is given, and accepts them as a `status`.
 */
export const DEPLOYMENT_STATES: Readonly<Record<string, DeployStatus>> = {
  queued: 'started',
  pending: 'started',
  in_progress: 'started',
  success: 'success',
  failure: 'failure',
  error: 'failure',
  inactive: 'cancelled',
}

/** A status or a deployment state, as a notice status; undefined when it is neither. */
export function toDeployStatus(text: string): DeployStatus | undefined {
  const value = text.trim().toLowerCase()
  return isDeployStatus(value) ? value : DEPLOYMENT_STATES[value]
}

/** Which final statuses also get a reply to the notice, so the chat is notified (edits never notify). */
export const NOTIFY_MODES = ['failure', 'always', 'never'] as const

export type NotifyMode = (typeof NOTIFY_MODES)[number]

/** Whether a final status that edited the notice also pings the chat: `failure` covers failed and cancelled deploys. */
export function repliesFor(status: DeployStatus, notify: NotifyMode): boolean {
  if (status === 'started' || notify === 'never') return false
  return notify === 'always' || status === 'failure' || status === 'cancelled'
}

/** `❌ Deploy failed — see above`: the reply's first line, under the edited notice. */
export function replyHeadline(status: DeployStatus): string {
  switch (status) {
    case 'failure':
      return `${DEPLOY_STATUS_ICONS.failure} Deploy failed — see above`
    case 'cancelled':
      return `${DEPLOY_STATUS_ICONS.cancelled} Deploy cancelled — see above`
    case 'success':
      return `${DEPLOY_STATUS_ICONS.success} Deployed — see above`
    case 'started':
      return `${DEPLOY_STATUS_ICONS.started} Deploying — see above`
  }
}
