import type {MonitorStore} from '../store/monitor-state.js'
import {chartSeries} from './chart-data.js'
import {type Chart, renderChart} from './chart.js'
import {computeDigest, type Digest} from './compute-digest.js'
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
  const {records, warnings} = await options.store.readHistory(from, to)
  const digest = computeDigest(records, from, to)
  const chart = options.chart ? renderChart(chartSeries(records, from, to, CHART_BUCKETS), options.sinceMs) : undefined
  return {digest, text: renderDigest(digest), ...(chart ? {chart} : {}), warnings}
}
