import type {HistoryRecord} from '../store/monitor-state.js'
import {percentile} from './compute-digest.js'

/** One check's values per time bucket; undefined where it has no result (or no passing one, for latency). */
export interface ChartSeries {
  name: string
  /** % of passing results per bucket. */
  uptime: Array<number | undefined>
  /** p95 of passing results' durations per bucket, in ms. */
  p95: Array<number | undefined>
}

/** Splits `[from, to)` into `buckets` equal slices and summarises each check's results in each, by name. */
export function chartSeries(records: readonly HistoryRecord[], from: number, to: number, buckets: number): ChartSeries[] {
  const size = (to - from) / buckets
  const byCheck = new Map<string, Array<{results: number; passed: number; latencies: number[]}>>()
  for (const record of records) {
    if (record.type !== 'result' || record.at < from || record.at >= to) continue
    let slots = byCheck.get(record.check)
    if (slots === undefined) byCheck.set(record.check, (slots = Array.from({length: buckets}, () => ({results: 0, passed: 0, latencies: []}))))
    const slot = slots[Math.min(buckets - 1, Math.floor((record.at - from) / size))]!
    slot.results++
    if (record.ok) {
      slot.passed++
      slot.latencies.push(record.ms)
    }
  }
  return [...byCheck.keys()].sort().map((name) => {
    const slots = byCheck.get(name)!
    return {
      name,
      uptime: slots.map((slot) => (slot.results === 0 ? undefined : (slot.passed / slot.results) * 100)),
      p95: slots.map((slot) => (slot.latencies.length === 0 ? undefined : percentile(slot.latencies.sort((a, b) => a - b), 95))),
    }
  })
}
