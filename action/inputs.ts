import {z} from 'zod'

import {booleanInput, DEPLOY_INPUTS, type DeployOptions, describeInputIssues, parseDeployOptions} from '../src/deploy/index.js'
import {UserError} from '../src/user-error.js'
import type {ActionCore} from './action-core.js'

/** The Action's inputs, validated and typed, with action.yml's defaults applied (a direct `node` run skips them). */
export interface ActionInputs {
  /** Overrides every config layer. @default none: the registry, TELEGRAM_BOT_CONFIGS, TELEGRAM_BOT_TOKEN */
  token?: string
  /** The bot (by name) to use when no token input is given; unknown names fall through the layers. @default 'deploy' */
  channel: string
  /** The bots registry YAML, relative to the workspace. @default none (fastpay-tg's default path) */
  configPath?: string
  /** Fail the step when the notice cannot be delivered. @default false */
  failOnError: boolean
  deploy: DeployOptions
}

const label = (name: string) => `input ${name}`

/**
 * Reads and checks every input. The token is masked first, before any other input is read or anything logged, so
 * that no later line can show it.
 */
export function readInputs(core: ActionCore): ActionInputs {
  const token = core.getInput('token')
  if (token !== '') core.setSecret(token)

  const failOnErrorText = core.getInput('fail-on-error')
  const failOnError = booleanInput(false).safeParse(failOnErrorText)
  if (!failOnError.success) {
    throw new UserError(describeInputIssues(relabel(failOnError.error, 'fail-on-error'), {'fail-on-error': failOnErrorText}, label))
  }
  const raw = Object.fromEntries(DEPLOY_INPUTS.map((name) => [name, core.getInput(name)]))
  return {
    token: token === '' ? undefined : token,
    channel: core.getInput('channel') || 'deploy',
    configPath: core.getInput('config') || undefined,
    failOnError: failOnError.data,
    deploy: parseDeployOptions(raw, label),
  }
}

/** A lone field's schema reports an empty path: name the input. */
function relabel(error: z.ZodError, name: string): z.ZodError {
  return new z.ZodError(error.issues.map((issue) => ({...issue, path: [name, ...issue.path]})))
}
