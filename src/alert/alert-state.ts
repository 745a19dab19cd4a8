import type {Env} from '../config/index.js'
import type {LinkStore} from '../store/link-store.js'
import type {KeyValueStore, OutboxStore, ThrottleStore} from '../store/types.js'
import {UserError} from '../user-error.js'
import {DEFAULT_THROTTLE_SECONDS} from './send-alert.js'
import {ensureStateDir, outboxDirIn, resolveStateDir, throttleDirIn} from '../support/state-dir.js'

/** Where alerts keep what must survive the process: the throttle windows and the outbox, on files or in Redis. */
export interface AlertState {
  stateDir: string
  throttle: ThrottleStore
  outbox: OutboxStore
  /** Small shared documents: the signing keys of alert buttons. */
  keyValue: KeyValueStore
  /** The chats linked to a channel (`/link`): read only for an alert that goes out. */
  links: LinkStore
  /** `file`, or `redis` (which falls back to the files in `stateDir` while Redis does not answer). */
  kind: 'file' | 'redis'
  /** Ends the Redis connection, if any, so that the process can exit. */
  close(): Promise<void>
}

export interface AlertStateOptions {
  /** `--config`: where a registry's `store:` may name Redis. */
  configPath?: string
  env?: Env
  /** One line when Redis is unreachable, for the door to print. */
  onWarning: (line: string) => void
}

/**
 * `--state-dir`, else `FASTPAY_TG_STATE_DIR`, else the XDG state dir (created 0700, checked writable), and the
 * store `FASTPAY_TG_STORE` or the registry's `store:` names: the files there by default, Redis for a fleet.
 */
export async function openAlertState(stateDirFlag: string | undefined, options: AlertStateOptions): Promise<AlertState> {
  const env = options.env ?? process.env
  const stateDir = resolveStateDir(stateDirFlag, env)
  await ensureStateDir(stateDir)
  await Promise.all([ensureStateDir(throttleDirIn(stateDir)), ensureStateDir(outboxDirIn(stateDir))])
  // Loaded here, not above: the file store needs none of the Redis code.
  const {openStore} = await import('../store/select-store.js')
  const store = await openStore({stateDir, env, configPath: options.configPath, onWarning: options.onWarning})
  return {stateDir, throttle: store.throttle, outbox: store.outbox, keyValue: store.kv, links: store.links, kind: store.kind, close: () => store.close()}
}

export const THROTTLE_SECONDS_ENV = 'TELEGRAM_ALERT_THROTTLE_SECONDS'

/** `--throttle-seconds`, else `TELEGRAM_ALERT_THROTTLE_SECONDS`, else 60; 0 turns throttling off. */
export function throttleSeconds(flag: number | undefined, env: Env = process.env): number {
  if (flag !== undefined) return flag
  const raw = env[THROTTLE_SECONDS_ENV]?.trim()
  if (raw === undefined || raw === '') return DEFAULT_THROTTLE_SECONDS
  if (!/^\d+$/.test(raw)) throw new UserError(`${THROTTLE_SECONDS_ENV}: expected a whole number of seconds, got "${raw}"`)
  return Number(raw)
}
