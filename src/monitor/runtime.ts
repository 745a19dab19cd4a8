import {requestForBotLabel} from '../alert/open-alert-target.js'
import {openBot} from '../bot-session.js'
import type {Env} from '../config/index.js'
import {resolveStateDir} from '../support/state-dir.js'
import type {MonitorStore} from '../store/monitor-state.js'
import {openStore} from '../store/select-store.js'
import {type KeyValueStore, type OutboxStore, refusedStoreLine, type StoreDescription} from '../store/types.js'
import {type AlertSender, createAlertSender} from './alert-sender.js'
import {channelTargets} from './channel-targets.js'
import {type TelegramProbe, telegramProbe} from './checks/telegram-check.js'
import {resolveHost} from './fleet/host-name.js'
import {recordHostView} from './fleet/host-views.js'
import {applyQuorum} from './fleet/quorum.js'
import {flushOutbox} from './flush-outbox.js'
import type {PassOptions, PassReport} from './run-pass.js'

export interface MonitorRuntimeOptions {
  /** @default FASTPAY_TG_STATE_DIR, else ~/.local/state/fastpay-tg */
  stateDir?: string
  /** `--config`: the bots registry, and its `store:`. */
  configPath?: string
  /** `--bot` / `--token`: every channel goes to this bot. */
  bot?: string
  token?: string
  /** `--host`. @default FASTPAY_TG_HOST, else os.hostname() */
  host?: string
  /** @default process.env */
  env?: Env
  debug?: (line: string) => void
  /** Per Telegram request. @default 30000 */
  timeoutMs?: number
  /** One line when Redis is unreachable, for the door to print. */
  onWarning: (line: string) => void
}

export interface MonitorRuntime {
  stateDir: string
  /** This host's name in the fleet. */
  host: string
  /** The monitor's state, lock and history, from `openStore`: files, or shared by a fleet on Redis. */
  store: MonitorStore
  /** Set on a shared store (Redis): where quorum observations and host views go. */
  fleet?: {kv: KeyValueStore}
  /** Alerts through the store's throttle and outbox. */
  sender: AlertSender
  /** Where alerts wait for Telegram (the metrics count its entries). */
  outbox: OutboxStore
  telegram: TelegramProbe
  /** For runPass: this host, the outbox's flush, and on a shared store the quorum (see fleet/quorum.ts). */
  passOptions: Pick<PassOptions, 'host' | 'beforeApply' | 'flushOutbox'>
  /** On a shared store, keeps this host's view of the pass for `monitor status`; nothing otherwise. */
  recordPass(report: PassReport): Promise<void>
  /** Config warnings and chat upgrades seen while alerting, for the door to print. */
  finish(): Promise<string[]>
  /** Ends the store's connection (Redis), so that the process can exit. */
  close(): Promise<void>
  /** When Redis refused the store URL's credentials: why, and where to fix them (see StoreDescription.refusal). */
  refusal(): Promise<string | undefined>
  /** On a shared store: the store in use right now and whether it answers (a PING); undefined on the file store. */
  describeShared(): Promise<StoreDescription | undefined>
}

/**
 * What every monitor door (`run`, `watch`, `exec`, `status`) needs, set up once: the store `openStore` chooses
 * (`FASTPAY_TG_STORE` or the registry's `store:`), this host's name, and alerts through the store's throttle and
 * outbox to each channel's bot.
 */
export async function openMonitorRuntime(options: MonitorRuntimeOptions): Promise<MonitorRuntime> {
  const env = options.env ?? process.env
  const host = resolveHost(options.host, env)
  const stateDir = resolveStateDir(options.stateDir, env)
  const store = await openStore({
    stateDir,
    env,
    configPath: options.configPath,
    onWarning: options.onWarning,
    redis: {consumer: `${host}/${process.pid}`},
  })
  const targets = channelTargets({
    configPath: options.configPath,
    bot: options.bot,
    token: options.token,
    env,
    debug: options.debug,
    timeoutMs: options.timeoutMs,
    floodWaits: () => store.kv,
  })
  const shared = store.kind === 'redis'
  // As `alert flush` opens an entry's bot: by the label it was spooled with.
  const given = {token: options.token, configPath: options.configPath}
  const openOptions = {env, debug: options.debug, timeoutMs: options.timeoutMs, floodWaits: () => store.kv}
  const flush: PassOptions['flushOutbox'] = (flushedAlready) =>
    flushOutbox({outbox: store.outbox, flushedAlready, openBot: (label) => openBot(requestForBotLabel(label, given, env), openOptions)})
  return {
    stateDir,
    host,
    store: store.monitor,
    ...(shared ? {fleet: {kv: store.kv}} : {}),
    sender: createAlertSender({openTarget: targets.openTarget, throttle: store.throttle, outbox: store.outbox, links: store.links}),
    outbox: store.outbox,
    telegram: telegramProbe({configPath: options.configPath, env, timeoutMs: options.timeoutMs, debug: options.debug}),
    passOptions: shared ? {host, flushOutbox: flush, beforeApply: (ran) => applyQuorum(ran, {kv: store.kv, host})} : {host, flushOutbox: flush},
    recordPass: shared ? (report) => recordHostView(store.kv, {host, at: report.startedAt, checks: report.checks}) : async () => {},
    finish: targets.finish,
    close: () => store.close(),
    refusal: async () => {
      if (!shared) return undefined
      return refusedStoreLine(await store.describe())
    },
    describeShared: async () => (shared ? store.describe() : undefined),
  }
}
