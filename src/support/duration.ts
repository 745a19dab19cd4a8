// Durations read from flags and files, and written for people. Units are in the names: a parsed duration is in
// milliseconds (`parseDurationMs`); callers that need seconds divide, and say so in their own names.

const UNIT_MS: Readonly<Record<string, number>> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/

/** What a duration must look like, for messages that reject one. */
export const DURATION_EXPECTED = 'expected a duration like 500ms, 30s, 5m, 1h or 14d'

/**
 * Reads `500ms`, `30s`, `5m`, `1h`, `14d` (a bare number is seconds) as milliseconds; undefined for anything else,
 * negative values included.
 */
export function parseDurationMs(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? safe(Math.round(input * 1000)) : undefined
  if (typeof input !== 'string') return undefined
  const text = input.trim()
  if (/^\d+(?:\.\d+)?$/.test(text)) return safe(Math.round(Number(text) * 1000))
  const match = DURATION.exec(text)
  if (match === null) return undefined
  return safe(Math.round(Number(match[1]) * UNIT_MS[match[2]!]!))
}

/** Written like a duration, whether or not its value is one (`99999999999d` is written like one). */
export function looksLikeDuration(input: unknown): boolean {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0
  return typeof input === 'string' && (/^\d+(?:\.\d+)?$/.test(input.trim()) || DURATION.test(input.trim()))
}

// `99999999999999999999d` is no duration anyone means, and past 2^53 the arithmetic lies.
const safe = (ms: number) => (Number.isSafeInteger(ms) ? ms : undefined)

/** `45s`, `3m 12s`, `1h 04m`: seconds stop mattering once a deploy takes an hour. Negative spans read as `0s`. */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000))
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = totalSeconds % 60
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`
  if (minutes > 0) return `${minutes}m ${String(seconds).padStart(2, '0')}s`
  return `${seconds}s`
}

/** `250ms`, `10s`, `5m`, `2h`, `14d` when exact, else `1.25s`, `4m 10s`, `1h 04m`: how settings and timeouts read. */
export function formatSpan(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!
    if (ms % size === 0) return `${ms / size}${unit}`
  }
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(2))}s`
  return formatDuration(ms)
}

/** `4m 10s`, `1h 04m`, `45s`: how long something was down. */
export function formatDowntime(ms: number): string {
  if (ms >= 86_400_000) {
    const days = Math.floor(ms / 86_400_000)
    const hours = Math.floor((ms % 86_400_000) / 3_600_000)
    return `${days}d ${String(hours).padStart(2, '0')}h`
  }
  return formatDuration(ms)
}

/** `14:02:11 UTC`, with the date when it is not `reference`'s day: `2025-06-01 14:02:11 UTC`. */
export function utcTime(epochMs: number, reference: number): string {
  const time = new Date(epochMs).toISOString()
  const sameDay = time.slice(0, 10) === new Date(reference).toISOString().slice(0, 10)
  return `${sameDay ? '' : `${time.slice(0, 10)} `}${time.slice(11, 19)} UTC`
}
