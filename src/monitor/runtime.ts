import {outboxDirIn, resolveStateDir, throttleDirIn} from '../support/state-dir.js'
import type {Env} from '../config/index.js'
import {Outbox} from '../outbox/index.js'
import {FileThrottle} from '../throttle/index.js'
import {type AlertSender, type AlertSenderOptions, createAlertSender} from './alert-sender.js'
import {channelTargets} from './channel-targets.js'
import {type TelegramProbe, telegramProbe} from './checks/telegram-check.js'
import {FileMonitorStore, monitorDirIn} from './file-store.js'
import type {MonitorStore} from './store.js'

export interface MonitorRuntimeOptions {
  /** @default FASTPAY_TG_STATE_DIR, else ~/.local/state/fastpay-tg */
  stateDir?: string
  /** `--config`: the bots registry. */
  configPath?: string
  /** `--bot` / `--token`: every channel goes to this bot. */
  bot?: string
  token?: string
  env?: Env
  debug?: (line: string) => void
  /** Per Telegram request. @default 30000 */
  timeoutMs?: number
  /** @default a FileMonitorStore in the state dir (a fleet: fleet/open-monitor-store.ts) */
  store?: MonitorStore
  /** Where alerts are throttled and spooled. @default the files in the state dir */
  alertState?: Pick<AlertSenderOptions, 'throttle' | 'outbox'>
}

export interface MonitorRuntime {
  stateDir: string
  store: MonitorStore
  sender: AlertSender
  telegram: TelegramProbe
  /** Config warnings and chat upgrades seen while alerting, for the door to print. */
  finish(): Promise<string[]>
}

/** What every monitor door needs: the state store, and alerts through the shared throttle and outbox. */
export function openMonitorRuntime(options: MonitorRuntimeOptions = {}): MonitorRuntime {
  const env = options.env ?? process.env
  const stateDir = resolveStateDir(options.stateDir, env)
  const targets = channelTargets({
    configPath: options.configPath,
    bot: options.bot,
    token: options.token,
    env,
    debug: options.debug,
    timeoutMs: options.timeoutMs,
  })
  return {
    stateDir,
    store: options.store ?? new FileMonitorStore({dir: monitorDirIn(stateDir)}),
    sender: createAlertSender({
      openTarget: targets.openTarget,
      throttle: options.alertState?.throttle ?? new FileThrottle({dir: throttleDirIn(stateDir)}),
      outbox: options.alertState?.outbox ?? new Outbox({dir: outboxDirIn(stateDir)}),
    }),
    telegram: telegramProbe({configPath: options.configPath, env, timeoutMs: options.timeoutMs, debug: options.debug}),
    finish: targets.finish,
  }
}
