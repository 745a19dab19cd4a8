// The status page's numbers from the monitor's history: per check and UTC day, results and passes (the daily cells,
// 7 d and 30 d uptime), the last 24 h in full (24 h uptime, the latency line), and the changes (incidents).
// A watch redraws the page after every pass: finished days are read once and kept, so each redraw reads the
// last day or two of history, not thirty.
import type {HistoryRecord, MonitorStore} from '../store/monitor-state.js'

export const DAY_MS = 86_400_000
/** Days in the bar, today included. */
export const DAYS_SHOWN = 30

export interface DayCount {
  results: number
  passed: number
}

type ChangeRecord = Extract<HistoryRecord, {type: 'change'}>
type ResultRecord = Extract<HistoryRecord, {type: 'result'}>

interface DaySummary {
  /** By check. */
  counts: Map<string, DayCount>
  changes: ChangeRecord[]
}

export interface HistoryWindow {
  /** UTC midnights, oldest first, today last: DAYS_SHOWN of them. */
  days: number[]
  /** Per check, per day (as `days`). */
  counts(check: string, day: number): DayCount | undefined
  /** Results of the last 24 h, oldest first. */
  recent: ResultRecord[]
  /** Status changes of the whole window, oldest first. */
  changes: ChangeRecord[]
  warnings: string[]
}

export const utcMidnight = (at: number) => Math.floor(at / DAY_MS) * DAY_MS

/** Keeps the summaries of finished days between redraws; one per page being refreshed. */
export class HistoryDays {
  readonly #done = new Map<number, DaySummary>()

  async read(store: Pick<MonitorStore, 'readHistory'>, now: number): Promise<HistoryWindow> {
    const today = utcMidnight(now)
    const days = Array.from({length: DAYS_SHOWN}, (_, index) => today - (DAYS_SHOWN - 1 - index) * DAY_MS)
    // The last 24 h reach into yesterday: from its midnight on, everything is read afresh.
    const liveFrom = utcMidnight(now - DAY_MS)
    for (const day of this.#done.keys()) if (day < days[0]!) this.#done.delete(day)
    const warnings: string[] = []
    const missing = days.filter((day) => day < liveFrom && !this.#done.has(day))
    if (missing.length > 0) {
      const read = await store.readHistory(missing[0]!, liveFrom)
      warnings.push(...read.warnings)
      for (const day of missing) this.#done.set(day, emptyDay())
      for (const record of read.records) summarize(this.#done.get(utcMidnight(record.at)), record)
    }
    const live = await store.readHistory(liveFrom, now + 1)
    warnings.push(...live.warnings)
    const liveDays = new Map<number, DaySummary>()
    for (const record of live.records) {
      const day = utcMidnight(record.at)
      if (!liveDays.has(day)) liveDays.set(day, emptyDay())
      summarize(liveDays.get(day), record)
    }
    const summaryOf = (day: number) => liveDays.get(day) ?? this.#done.get(day)
    const recent = live.records.filter((record): record is ResultRecord => record.type === 'result' && record.at > now - DAY_MS)
    return {
      days,
      counts: (check, day) => summaryOf(day)?.counts.get(check),
      recent: recent.sort((a, b) => a.at - b.at),
      changes: days.flatMap((day) => summaryOf(day)?.changes ?? []).sort((a, b) => a.at - b.at),
      warnings,
    }
  }
}

function emptyDay(): DaySummary {
  return {counts: new Map(), changes: []}
}

function summarize(day: DaySummary | undefined, record: HistoryRecord): void {
  if (day === undefined) return
  if (record.type === 'change') day.changes.push(record)
  if (record.type !== 'result') return
  let count = day.counts.get(record.check)
  if (count === undefined) day.counts.set(record.check, (count = {results: 0, passed: 0}))
  count.results++
  if (record.ok) count.passed++
}
