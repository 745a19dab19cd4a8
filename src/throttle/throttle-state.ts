// The file behind one throttle key. Checked by hand rather than with zod: 50 cron runs at once each read one of
// these, and loading zod would cost each of them more than the whole throttle does.
import {isRecord} from '../support/is-record.js'

export interface SuppressedSince {
  count: number
  /** Epoch ms of the first suppressed alert. */
  since: number
}

export interface ThrottleState {
  version: 1
  /** The key itself, so that a file that is not ours (or a hash collision) is noticed. */
  key: string
  /** Epoch ms of the last alert that went through; null before the first. */
  lastSentAt: number | null
  /** Identifies that send, so that `release` undoes only its own window. */
  sendId: string | null
  suppressed: SuppressedSince | null
  /** What the last send replaced, for `release`. */
  previous: {lastSentAt: number | null; suppressed: SuppressedSince | null} | null
  /** Epoch ms until which every alert of this key is suppressed (webhook "Mute 1h"). */
  mutedUntil: number | null
  /** The window of the last send, so that a key can be forgotten once it is over. Absent in older files. */
  windowMs?: number
}

export function freshState(key: string): ThrottleState {
  return {version: 1, key, lastSentAt: null, sendId: null, suppressed: null, previous: null, mutedUntil: null}
}

/** The state in `text`, or a reason why it is not one of ours for `key`. */
export function parseThrottleState(text: string, key: string): ThrottleState | {problem: string} {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return {problem: 'not JSON'}
  }
  if (!isState(value)) return {problem: 'not a throttle state'}
  if (value.key !== key) return {problem: 'state of another key'}
  return value
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)
const isTimeOrNull = (value: unknown) => value === null || isTime(value)

function isSuppressedOrNull(value: unknown): value is SuppressedSince | null {
  if (value === null) return true
  return isRecord(value) && Number.isSafeInteger(value.count) && (value.count as number) > 0 && isTime(value.since)
}

function isState(value: unknown): value is ThrottleState {
  if (!isRecord(value) || value.version !== 1 || typeof value.key !== 'string') return false
  if (!isTimeOrNull(value.lastSentAt) || !isTimeOrNull(value.mutedUntil)) return false
  if (value.sendId !== null && typeof value.sendId !== 'string') return false
  if (!isSuppressedOrNull(value.suppressed)) return false
  if (value.windowMs !== undefined && !isTime(value.windowMs)) return false
  const previous = value.previous
  if (previous === null) return true
  return isRecord(previous) && isTimeOrNull(previous.lastSentAt) && isSuppressedOrNull(previous.suppressed)
}

/** Two runs of suppressed alerts as one: counts add up, the earlier start wins. */
export function mergeSuppressed(a: SuppressedSince | null, b: SuppressedSince | null): SuppressedSince | null {
  if (a === null) return b
  if (b === null) return a
  return {count: a.count + b.count, since: Math.min(a.since, b.since)}
}

const DAY_MS = 24 * 3600 * 1000
/** How long a count of held-back alerts waits for the next alert that goes through (as on Redis). */
export const SUPPRESSED_RETENTION_MS = 30 * DAY_MS

/** Whether nothing in this state matters any more at `now`: no window (a day for older files), mute or count. */
export function isForgettable(state: ThrottleState, now: number): boolean {
  if (state.mutedUntil !== null && state.mutedUntil > now) return false
  if (state.lastSentAt !== null && now - state.lastSentAt < (state.windowMs ?? DAY_MS)) return false
  return state.suppressed === null || now - state.suppressed.since >= SUPPRESSED_RETENTION_MS
}
