import {apiRootFromEnv, BotApiClient} from '../../api/index.js'
import type {Env} from '../../config/index.js'
import type {HealthItem} from '../../health/health-item.js'
import {probeBot} from '../../health/probe-bot.js'
import {probeTargets} from '../../health/probe-targets.js'
import type {TelegramCheck} from '../check-spec.js'
import {type CheckOutcome, fail, pass} from '../check-result.js'

/** Runs a `telegram` check: what a door provides, knowing the config and the client's settings. */
export type TelegramProbe = (check: TelegramCheck, signal: AbortSignal) => Promise<CheckOutcome>

export interface TelegramProbeOptions {
  configPath?: string
  env?: Env
  /** Per request. @default 10_000 */
  timeoutMs?: number
  debug?: (line: string) => void
}

/**
 * `health`'s Telegram checks as one monitor check: the bot's token, its chats and its webhook. Fails on what
 * `health` calls a failure, naming each; warnings alone pass.
 */
export function telegramProbe(options: TelegramProbeOptions = {}): TelegramProbe {
  const env = options.env ?? process.env
  const openClient = (token: string) =>
    new BotApiClient({token, apiRoot: apiRootFromEnv(env).value, timeoutMs: options.timeoutMs ?? 10_000, debug: options.debug, retry: {maxRetries: 1}})
  return async (check) => {
    const {targets, items} = await probeTargets({configPath: options.configPath, ...(check.bot === undefined ? {} : {bot: check.bot})}, env)
    const probed = (await Promise.all(targets.map((target) => probeBot(target, openClient)))).flat()
    return judge([...items, ...probed], targets.length)
  }
}

function judge(items: HealthItem[], bots: number): CheckOutcome {
  const failed = items.filter((entry) => entry.status === 'fail')
  if (failed.length > 0) return fail(failed.map((entry) => `${entry.check}: ${entry.detail}`).join('; '))
  const chats = items.filter((entry) => entry.check.startsWith('chat ')).length
  return pass(`${bots} bot${bots === 1 ? '' : 's'} and ${chats} chat${chats === 1 ? '' : 's'} reachable`)
}
