import {hostname} from 'node:os'

import {resolveStateDir} from '../../support/state-dir.js'
import type {Env} from '../../config/index.js'
import type {KeyValueStore, OutboxStore, ThrottleStore} from '../../store/types.js'
import {UserError} from '../../user-error.js'
import {FileMonitorStore, monitorDirIn} from '../file-store.js'
import type {PassOptions, PassReport} from '../run-pass.js'
import type {MonitorStore} from '../store.js'
import {recordHostView} from './host-views.js'
import {applyQuorum} from './quorum.js'
import {SharedMonitorStore} from './shared-monitor-store.js'

export interface OpenMonitorStoreOptions {
  /** @default FASTPAY_TG_STATE_DIR, else ~/.local/state/fastpay-tg */
  stateDir?: string
  configPath?: string
  /** @default process.env */
  env?: Env
  /** `--host`. @default FASTPAY_TG_HOST, else os.hostname() */
  host?: string
  /** One line when Redis is unreachable. @default printed on stderr */
  onWarning?: (line: string) => void
}

export interface OpenedMonitorStore {
  store: MonitorStore
  /** This host's name in the fleet. */
  host: string
  /** Set on a shared store (Redis): where quorum observations and host views go. */
  fleet?: {kv: KeyValueStore}
  /** On a shared store: its throttle and outbox, for the monitor's alerts. */
  alertState?: {throttle: ThrottleStore; outbox: OutboxStore}
  /** For runPass: this host, and on a shared store the quorum (see quorum.ts). */
  passOptions: Pick<PassOptions, 'host' | 'beforeApply'>
  /** On a shared store, keeps this host's view of the pass for `monitor status`; nothing otherwise. */
  recordPass(report: PassReport): Promise<void>
  close(): Promise<void>
}

export const HOST_ENV = 'FASTPAY_TG_HOST'

/** `--host`, else FASTPAY_TG_HOST, else the machine's name. */
export function resolveHost(flag: string | undefined, env: Env = process.env): string {
  const host = flag ?? (env[HOST_ENV]?.trim() || hostname())
  if (host === '' || /[\s/]/.test(host)) throw new UserError(`--host: expected a name without spaces or "/", got ${JSON.stringify(host)}`)
  return host
}

/**
 * The monitor's store: the files in the state dir by default; the shared store when `FASTPAY_TG_STORE` or the
 * registry's `store:` names Redis, so that every host of a fleet shares one state, one lock and one history.
 */
export async function openMonitorStore(options: OpenMonitorStoreOptions = {}): Promise<OpenedMonitorStore> {
  const env = options.env ?? process.env
  const host = resolveHost(options.host, env)
  const stateDir = resolveStateDir(options.stateDir, env)
  const {readStoreSetting} = await import('../../store/store-config.js')
  const setting = await readStoreSetting({configPath: options.configPath, env})
  if (setting.kind === 'file') {
    return {store: new FileMonitorStore({dir: monitorDirIn(stateDir)}), host, passOptions: {host}, recordPass: async () => {}, close: async () => {}}
  }
  const {openStore} = await import('../../store/select-store.js')
  const shared = await openStore({stateDir, env, configPath: options.configPath, onWarning: options.onWarning, redis: {consumer: `${host}/${process.pid}`}})
  return {
    store: new SharedMonitorStore({kv: shared.kv, lock: shared.lock, history: shared.history}),
    host,
    fleet: {kv: shared.kv},
    alertState: {throttle: shared.throttle, outbox: shared.outbox},
    passOptions: {host, beforeApply: (ran) => applyQuorum(ran, {kv: shared.kv, host})},
    recordPass: (report) => recordHostView(shared.kv, {host, at: report.startedAt, checks: report.checks}),
    close: () => shared.close(),
  }
}
