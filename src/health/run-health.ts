import {resolveStateDir} from '../support/state-dir.js'
import {apiRootFromEnv, BotApiClient, type RetryOptions} from '../api/index.js'
import {proxySettingsFromEnv} from '../api/proxy-env.js'
import type {Env} from '../config/index.js'
import type {HealthReport} from './health-item.js'
import {probeBot} from './probe-bot.js'
import {probeState} from './probe-store.js'
import {probeTargets, type TargetChoice} from './probe-targets.js'

export interface HealthOptions extends TargetChoice {
  env?: Env
  /** @default FASTPAY_TG_STATE_DIR, else ~/.local/state/fastpay-tg */
  stateDir?: string
  /** Per Telegram request. @default 10_000 */
  timeoutMs?: number
  debug?: (line: string) => void
  /** A health check should answer soon: one retry by default. @default {maxRetries: 1} */
  retry?: RetryOptions
  /** @default Date.now() */
  now?: number
}

/**
 * `health`: the toolkit itself. Config layers ("configured" when any layer has an active bot, naming which), each
 * active bot's token, chats and webhook, the state directories, the outbox backlog, the monitor's last pass, and the
 * shared store (files or Redis) with its reachability.
 */
export async function runHealth(options: HealthOptions = {}): Promise<HealthReport> {
  const env = options.env ?? process.env
  const now = options.now ?? Date.now()
  // The transport's variables are a usage error (exit 2) here as in every door, before any request: a bad proxy was
  // one failed row per bot, as if each bot were broken. The bot layers stay rows: saying what is configured is the job.
  const apiRoot = apiRootFromEnv(env).value
  proxySettingsFromEnv(env)
  const openClient = (token: string) =>
    new BotApiClient({
      token,
      apiRoot,
      timeoutMs: options.timeoutMs ?? 10_000,
      debug: options.debug,
      retry: options.retry ?? {maxRetries: 1},
    })
  const stateDir = resolveStateDir(options.stateDir, env)
  const [{targets, items: config}, {local, store}] = await Promise.all([probeTargets(options, env), probeState(stateDir, options.configPath, env, now)])
  const bots = (await Promise.all(targets.map((target) => probeBot(target, openClient)))).flat()
  const items = [...config, ...bots, ...local, store]
  return {
    ok: items.every((entry) => entry.status !== 'fail'),
    configured: targets.length > 0,
    bots: targets.map((target) => ({label: target.label, source: target.source})),
    items,
  }
}
