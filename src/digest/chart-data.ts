import type {HistoryRecord} from '../store/monitor-state.js'
import {LatencyCounts} from './compute-digest.js'

/** One check's values per time bucket; undefined where it has no result (or no passing one, for latency). */
export interface ChartSeries {
  name: string
  /** % of passing results per bucket. */
  uptime: Array<number | undefined>
  /** p95 of passing results' durations per bucket, in ms. */
  p95: Array<number | undefined>
}

/** Splits `[from, to)` into `buckets` equal slices and summarises each check's results in each, by name. */
export function chartSeries(records: Iterable<HistoryRecord>, from: number, to: number, buckets: number): ChartSeries[] {
  const chart = new ChartAccumulator(from, to, buckets)
  for (const record of records) chart.add(record)
  return chart.finish()
}

/** `chartSeries` one record at a time, in any order, in memory that does not grow with the number of records. */
export class ChartAccumulator {
  readonly #byCheck = new Map<string, Array<{results: number; passed: number; latencies: LatencyCounts}>>()
  readonly #size: number

  constructor(
    readonly from: number,
    readonly to: number,
    readonly buckets: number,
  ) {
    this.#size = (to - from) / buckets
  }

  add(record: HistoryRecord): void {
    if (record.type !== 'result' || record.at < this.from || record.at >= this.to) return
    let slots = this.#byCheck.get(record.check)
    if (slots === undefined) this.#byCheck.set(record.check, (slots = Array.from({length: this.buckets}, () => ({results: 0, passed: 0, latencies: new LatencyCounts()}))))
    const slot = slots[Math.min(this.buckets - 1, Math.floor((record.at - this.from) / this.#size))]!
    slot.results++
    if (record.ok) {
      slot.passed++
      slot.latencies.add(record.ms)
    }
  }

  finish(): ChartSeries[] {
    return [...this.#byCheck.keys()].sort().map((name) => {
      const slots = this.#byCheck.get(name)!
      return {
        name,
        uptime: slots.map((slot) => (slot.results === 0 ? undefined : (slot.passed / slot.results) * 100)),
        p95: slots.map((slot) => (slot.latencies.size === 0 ? undefined : slot.latencies.percentile(95))),
      }
    })
  }
}
