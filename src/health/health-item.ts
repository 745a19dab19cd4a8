/** `ok`; `warn`: works, but look at it; `fail`: broken, and `health` exits 1. */
export type HealthStatus = 'ok' | 'warn' | 'fail'

/** One line of the `health` table. */
export interface HealthItem {
  /** What was looked at: `config`, `bot alerts`, `chat alerts -1001234567890`, `state dir`. */
  check: string
  status: HealthStatus
  /** One line, redacted. */
  detail: string
}

export interface HealthReport {
  /** True when no item failed. */
  ok: boolean
  /** True when any config layer has an active bot. */
  configured: boolean
  /** The active bots, by label, and where each came from. */
  bots: Array<{label: string; source: string}>
  items: HealthItem[]
}

export const item = (check: string, status: HealthStatus, detail: string): HealthItem => ({check, status, detail})
