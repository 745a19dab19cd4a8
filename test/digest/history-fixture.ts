import type {HistoryRecord} from '../../src/store/monitor-state.js'

export const NOW = Date.parse('2025-06-01T14:00:00Z')
export const FROM = NOW - 24 * 3_600_000
const TEN_MINUTES = 600_000

/** Result `index` (0..143) of a day with one result every 10 minutes, the first 5 minutes in. */
export const slot = (index: number) => FROM + 5 * 60_000 + index * TEN_MINUTES

/**
 * A day of history with known numbers:
 * - api: 144 results, 3 failing (slots 10-12) in one incident of 30 minutes; passing latencies 1..141 ms, so
 *   p50 = 71 and p95 = 134 (nearest rank over 141 values); uptime 141/144 = 97.916… shown as 97.91%.
 * - db: 144 results, the last 6 failing in an incident still going on at the end (55 minutes); every passing
 *   result 5 ms; uptime 138/144 = 95.833… shown as 95.83%.
 * - alerts: api down and recovered (sent), db down (spooled: counts as sent), two db reminders suppressed.
 * - one record from before the period, which must not count.
 */
export function recordedDay(): HistoryRecord[] {
  const records: HistoryRecord[] = [{type: 'result', at: FROM - 1, check: 'api', ok: false, ms: 9, error: 'before the period'}]
  let latency = 0
  for (let index = 0; index < 144; index++) {
    const apiOk = index < 10 || index > 12
    records.push({type: 'result', at: slot(index), check: 'api', ok: apiOk, ms: apiOk ? ++latency : 10_000, ...(apiOk ? {} : {error: 'timed out after 10s'})})
    const dbOk = index < 138
    records.push({type: 'result', at: slot(index), check: 'db', ok: dbOk, ms: dbOk ? 5 : 2, ...(dbOk ? {} : {error: 'connection refused'})})
  }
  records.push(
    {type: 'change', at: slot(12), check: 'api', to: 'down', since: slot(10)},
    {type: 'alert', at: slot(12), checks: ['api'], event: 'down', status: 'sent', channel: 'health'},
    {type: 'change', at: slot(13), check: 'api', to: 'up', since: slot(13), downSince: slot(10)},
    {type: 'alert', at: slot(13), checks: ['api'], event: 'recovered', status: 'sent', channel: 'health'},
    {type: 'change', at: slot(140), check: 'db', to: 'down', since: slot(138)},
    {type: 'alert', at: slot(140), checks: ['db'], event: 'down', status: 'spooled', channel: 'health'},
    {type: 'alert', at: slot(142), checks: ['db'], event: 'reminder', status: 'suppressed', channel: 'health'},
    {type: 'alert', at: slot(143), checks: ['db'], event: 'reminder', status: 'suppressed', channel: 'health'},
  )
  return records
}

/** The recorded day moved so that it ends at `now` (a spawned CLI's clock is the real one). */
export function recordedDayEndingAt(now: number): HistoryRecord[] {
  const shift = now - NOW
  return recordedDay().map((record): HistoryRecord => {
    const at = record.at + shift
    if (record.type !== 'change') return {...record, at}
    return {...record, at, since: record.since + shift, ...(record.downSince === undefined ? {} : {downSince: record.downSince + shift})}
  })
}
