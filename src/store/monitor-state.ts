// What the monitor keeps between passes, behind one small interface that `openStore` fills: the files of
// file/file-monitor-store.ts by default, shared-monitor-store.ts over the key-value, lock and history stores (Redis).

export type CheckStatus = 'up' | 'down' | 'unknown'

/** A check as the last passes left it. */
export interface CheckState {
  /** `unknown` until enough results in a row crossed a threshold. */
  status: CheckStatus
  /** Epoch ms since when it has this status: the first result of the streak that crossed the threshold. */
  since: number
  /** Failing results in a row (0 after a passing one). */
  failures: number
  /** Passing results in a row (0 after a failing one). */
  successes: number
  /** When the current run of equal results began. */
  streakSince: number
  /** The latest result applied. `at` is when it started. */
  last: {ok: boolean; at: number; durationMs: number; message: string; output?: string}
  /** The latest down alert or reminder, for `reminder-interval`. */
  lastAlertAt?: number
  /** `http GET https://…`, for `monitor status`. */
  target: string
  channel: string
  /** A change whose alert could not be delivered yet: the next pass tries again (see pending-alert.ts). */
  pendingAlert?: PendingAlert
}

/** An alert the chat has not had: why, since when, and what it will tell. */
export interface PendingAlert {
  /** `outage`: the check went down and came back before its down alert got through. */
  event: 'down' | 'recovered' | 'outage'
  downSince: number
  /** When it came back (recovered, outage). */
  upSince?: number
  /** Why the latest attempt failed, redacted. */
  reason: string
  /** Epoch ms of the first failed attempt. */
  firstAt: number
  attempts: number
  /**
   * Set when the check's throttle (or a mute) held the alert back rather than it failing: it is tried again from
   * this time (epoch ms) while the check stays as the alert tells, and dropped once the check goes back.
   */
  heldUntil?: number
}

/** `registry bot "alerts": token ${ALERTS_TOKEN} is not set (down alert, 3 attempts)`. */
export function pendingText(pending: PendingAlert): string {
  return `${pending.reason} (${pending.event} alert, ${pending.attempts} attempt${pending.attempts === 1 ? '' : 's'})`
}

export interface MonitorState {
  version: 1
  checks: Record<string, CheckState>
  lastPass?: {at: number; durationMs: number; checks: number; down: string[]; host: string}
}

/** `outage`: down and up again, told in one alert because the down alert could not be delivered in time. */
export type AlertEvent = 'down' | 'recovered' | 'reminder' | 'outage'

/** An alert's `SendAlertStatus` (src/alert), or `failed`: no alert could be attempted (no bot for the channel, say). */
export type AlertRecordStatus = 'sent' | 'suppressed' | 'spooled' | 'refused' | 'failed'

/** One line of history: a result, a status change, or an alert. Times are epoch ms. */
export type HistoryRecord =
  | {type: 'result'; at: number; check: string; ok: boolean; ms: number; error?: string; host?: string}
  | {type: 'change'; at: number; check: string; to: 'up' | 'down'; since: number; downSince?: number}
  | {type: 'alert'; at: number; checks: string[]; event: AlertEvent; status: AlertRecordStatus; channel: string}
  // `monitor forget`: the check's state was removed; an incident still open ends here, for the digest.
  | {type: 'forget'; at: number; check: string}

/** Another pass held the state for longer than the store waits. */
export class StateLockTimeout extends Error {
  override readonly name = 'StateLockTimeout'
}

export interface MonitorStore {
  /**
   * Runs `action` while no other pass that shares this store runs its own: overlapping passes (cron, `monitor
   * exec`, `watch`) read, decide and alert one after the other, so that a change alerts once. Throws
   * StateLockTimeout when another pass holds it too long.
   */
  withStateLock<T>(action: () => Promise<T>): Promise<T>
  /** An empty state when there is none yet; an unreadable one is reported and read as empty. */
  readState(): Promise<{state: MonitorState; warnings: string[]}>
  writeState(state: MonitorState): Promise<void>
  appendHistory(records: readonly HistoryRecord[]): Promise<void>
  /** Records with `from <= at < to`, oldest first; lines that cannot be read are skipped and counted. */
  readHistory(from: number, to: number): Promise<{records: HistoryRecord[]; warnings: string[]}>
  /**
   * Calls `visit` with each record with `from <= at < to`, reading the history piece by piece (files line by line,
   * Redis in chunks) so that memory stays flat however long the period (`digest`). In storage order, not sorted;
   * lines that cannot be read are skipped and counted.
   */
  scanHistory(from: number, to: number, visit: (record: HistoryRecord) => void): Promise<{warnings: string[]}>
  /** Deletes history older than `before`; returns what went. */
  pruneHistory(before: number): Promise<string[]>
}

export const emptyState = (): MonitorState => ({version: 1, checks: {}})
