import type {MonitorStore} from '../store/monitor-state.js'
import {ChartAccumulator} from './chart-data.js'
import {type Chart, renderChart} from './chart.js'
import {type Digest, DigestAccumulator} from './compute-digest.js'
import {renderDigest} from './render-digest.js'

/** Time slices of the chart. */
export const CHART_BUCKETS = 48

export interface BuildDigestOptions {
  store: MonitorStore
  /** How far back, in ms (`--since 24h`). */
  sinceMs: number
  /** @default Date.now() */
  now?: number
  /** Draw the PNG chart too. @default false */
  chart?: boolean
  /** The checks of the monitors file, each listed even without a result in the period. @default none */
  monitored?: readonly string[]
}

export interface BuiltDigest {
  digest: Digest
  /** Parse mode HTML. */
  text: string
  chart?: Chart
  warnings: string[]
}

/** Reads the period's history and turns it into the digest message (and chart). */
export async function buildDigest(options: BuildDigestOptions): Promise<BuiltDigest> {
  const to = options.now ?? Date.now()
  const from = to - options.sinceMs
  // Streamed: each record is counted as it is read, never all of the period's history in memory at once.
  const digest = new DigestAccumulator(from, to)
  digest.monitored(options.monitored ?? [])
  const series = options.chart ? new ChartAccumulator(from, to, CHART_BUCKETS) : undefined
  const {warnings} = await options.store.scanHistory(from, to, (record) => {
    digest.add(record)
    series?.add(record)
  })
  // Read after the history: a check is down since before the period only if no up change came in it; a pass that
  // brings it back meanwhile leaves it up in the state, and its up change (downSince) tells the incident. An
  // unreadable state's warnings are monitor run's to give ("starting afresh"); here it only tells nothing.
  const {state} = await options.store.readState()
  for (const [name, check] of Object.entries(state.checks)) if (check.status === 'down') digest.downSince(name, check.since)
  const summary = digest.finish()
  const chart = series ? renderChart(series.finish(), options.sinceMs) : undefined
  return {digest: summary, text: renderDigest(summary), ...(chart ? {chart} : {}), warnings}
}
