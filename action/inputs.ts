import {
  booleanInput,
  DEPLOY_INPUTS,
  type DeployOptions,
  describeInputIssues,
  type InputReader,
  parseDeployOptions,
  secondsInput,
} from '../src/deploy/index.js'
import {UserError} from '../src/user-error.js'
import type {ActionCore} from './action-core.js'

/** The Action's inputs, validated and typed, with action.yml's defaults applied (a direct `node` run skips them). */
export interface ActionInputs {
  /** Overrides every config layer. @default none: the registry named by `config`, TELEGRAM_BOT_CONFIGS, TELEGRAM_BOT_TOKEN */
  token?: string
  /** The bot (by name) to use when no token input is given; unknown names fall through the layers. @default 'deploy' */
  channel: string
  /**
   * A channel other than the default was asked for: its seed fallback is then said. (action.yml's default makes
   * the runner pass `deploy` whether or not the workflow set it.)
   */
  channelGiven: boolean
  /** The bots registry YAML, relative to the workspace. @default none: no registry (FASTPAY_TG_CONFIG if set) */
  configPath?: string
  /** Fail the step when the notice cannot be delivered. @default false */
  failOnError: boolean
  /** Per request, before a retry. @default 10000 */
  timeoutMs: number
  deploy: DeployOptions
}

/** A runner's default: a Telegram that accepts connections and never answers costs 10 s per try, not 30. */
export const DEFAULT_TIMEOUT_SECONDS = 10

const label = (name: string) => `input ${name}`

/**
 * Reads and checks every input. The token is masked first, before any other input is read or anything logged, so
 * that no later line can show it. `defaultStatus` stands in for a blank `status` (a deployment_status event's state):
 * asked for after the mask, since it reads the event file.
 */
export function readInputs(core: ActionCore, defaultStatus: () => string | undefined = () => undefined): ActionInputs {
  const token = core.getInput('token')
  if (token !== '') core.setSecret(token)

  const failOnError = readOne(core, 'fail-on-error', booleanInput(false))
  const timeoutSeconds = readOne(core, 'timeout', secondsInput('expected a number of seconds above 0')) ?? DEFAULT_TIMEOUT_SECONDS
  const raw = Object.fromEntries(DEPLOY_INPUTS.map((name) => [name, core.getInput(name)]))
  if (raw.status === '') raw.status = defaultStatus() ?? ''
  return {
    token: token === '' ? undefined : token,
    channel: core.getInput('channel') || 'deploy',
    channelGiven: (core.getInput('channel') || 'deploy') !== 'deploy',
    configPath: core.getInput('config') || undefined,
    failOnError,
    timeoutMs: Math.round(timeoutSeconds * 1000),
    deploy: parseDeployOptions(raw, label),
  }
}

/** One input of the Action's own (not shared with the CLI), checked on its own. */
function readOne<T>(core: ActionCore, name: string, read: InputReader<T>): T {
  const text = core.getInput(name)
  const reading = read(text)
  if (reading.ok) return reading.value
  throw new UserError(describeInputIssues([{name, message: reading.message, quiet: reading.quiet}], {[name]: text}, label))
}
