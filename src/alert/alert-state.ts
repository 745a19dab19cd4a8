import type {Env} from '../config/index.js'
import {Outbox} from '../outbox/index.js'
import {FileThrottle} from '../throttle/index.js'
import {UserError} from '../user-error.js'
import {DEFAULT_THROTTLE_SECONDS} from './send-alert.js'
import {ensureStateDir, outboxDirIn, resolveStateDir, throttleDirIn} from './state-dir.js'

/** Where alerts keep what must survive the process: the throttle windows and the outbox. */
export interface AlertState {
  stateDir: string
  throttle: FileThrottle
  outbox: Outbox
}

/** `--state-dir`, else `FASTPAY_TG_STATE_DIR`, else the XDG state dir; created (0700) and checked writable. */
export async function openAlertState(stateDirFlag: string | undefined, env: Env = process.env): Promise<AlertState> {
  const stateDir = resolveStateDir(stateDirFlag, env)
  await ensureStateDir(stateDir)
  await Promise.all([ensureStateDir(throttleDirIn(stateDir)), ensureStateDir(outboxDirIn(stateDir))])
  return {stateDir, throttle: new FileThrottle({dir: throttleDirIn(stateDir)}), outbox: new Outbox({dir: outboxDirIn(stateDir)})}
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
