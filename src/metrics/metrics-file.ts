// `monitor run --metrics-file PATH`: the metrics for node_exporter's textfile collector. Each run is a new process,
// so counters and the histogram would start at zero every minute; the file itself carries them over: this run's
// counts are added to the ones the last run wrote, and this run's gauges replace theirs.
import {readFile} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

import {AggregatorRegistry} from 'prom-client'

import {withFileLock} from '../config/file-lock.js'
import {writeFileAtomic} from '../support/atomic-write.js'
import type {OpsMetrics} from './ops-metrics.js'

/** One metric as prom-client's getMetricsAsJSON() gives it, the shape AggregatorRegistry.aggregate() adds up. */
interface ParsedMetric {
  name: string
  help: string
  type: 'counter' | 'gauge' | 'histogram'
  aggregator: 'sum' | 'first'
  values: Array<{value: number; labels: Record<string, string>; metricName?: string}>
}

/** Only our own series are carried over; anything else in the file (hand-edited, say) is dropped. */
const OURS = /^fastpay_tg_/

/**
 * Writes the registry's text to `path` atomically (temporary file + rename, mode 0644 so that node_exporter's user
 * can read it), counters and histograms continued from what `path` held. Runs that overlap (cron and a slow pass)
 * take turns on a lock file beside it, so that neither loses the other's counts; node_exporter reads only `*.prom`.
 */
export async function writeMetricsFile(path: string, metrics: OpsMetrics, options: MetricsFileOptions = {}): Promise<void> {
  const lock = join(dirname(path), `.${basename(path)}.lock`)
  await withFileLock(lock, `metrics file ${path}`, () => mergeInto(path, metrics, options.checks))
}

export interface MetricsFileOptions {
  /**
   * Every check of the monitors file (run this time or not): series of other checks are not carried over, so a
   * check taken out of the file stops showing (and `fastpay_tg_check_up == 0` stops paging for it). @default all kept
   */
  checks?: Iterable<string>
}

async function mergeInto(path: string, metrics: OpsMetrics, checks: Iterable<string> | undefined): Promise<void> {
  const previous = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return ''
    throw error
  })
  const current = await metrics.registry.getMetricsAsJSON()
  // This run first: `first` gauges take its values, `sum` counters and histograms add the two.
  const carried = checks === undefined ? parseMetricsText(previous) : withoutOtherChecks(parseMetricsText(previous), new Set(checks))
  const merged = AggregatorRegistry.aggregate([current, carried as unknown as typeof current])
  await writeFileAtomic(path, await merged.metrics(), 0o644)
}

function withoutOtherChecks(metrics: ParsedMetric[], checks: ReadonlySet<string>): ParsedMetric[] {
  return metrics.map((metric) => ({...metric, values: metric.values.filter(({labels}) => labels.check === undefined || checks.has(labels.check))}))
}

/** The Prometheus text format as prom-client's JSON, enough to read back what writeMetricsFile wrote. */
export function parseMetricsText(text: string): ParsedMetric[] {
  const metrics: ParsedMetric[] = []
  let metric: ParsedMetric | undefined
  const help = new Map<string, string>()
  for (const line of text.split('\n')) {
    const comment = /^#\s+(HELP|TYPE)\s+(\S+)\s*(.*)$/.exec(line)
    if (comment) {
      const [, kind, name, rest] = comment as unknown as [string, string, string, string]
      if (kind === 'HELP') help.set(name, rest)
      else if (OURS.test(name) && (rest === 'counter' || rest === 'gauge' || rest === 'histogram')) {
        const parsed: ParsedMetric = {name, help: help.get(name) ?? '', type: rest, aggregator: rest === 'gauge' ? 'first' : 'sum', values: []}
        metrics.push(parsed)
        metric = parsed
      } else metric = undefined
      continue
    }
    const sample = parseSample(line)
    if (sample === undefined || metric === undefined || !sample.metricName.startsWith(metric.name)) continue
    metric.values.push({value: sample.value, labels: sample.labels, ...(sample.metricName === metric.name ? {} : {metricName: sample.metricName})})
  }
  return metrics
}

function parseSample(line: string): {metricName: string; labels: Record<string, string>; value: number} | undefined {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line.trim())
  if (match === null) return undefined
  const value = Number(match[3] === '+Inf' ? Number.POSITIVE_INFINITY : match[3] === '-Inf' ? Number.NEGATIVE_INFINITY : match[3])
  if (Number.isNaN(value) && match[3] !== 'NaN') return undefined
  const labels: Record<string, string> = {}
  const pair = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/gy
  const body = match[2] ?? ''
  let consumed = 0
  // Sticky and global: the pairs must follow one another with nothing between them.
  for (const found of body.matchAll(pair)) {
    labels[found[1]!] = found[2]!.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char))
    consumed = found.index + found[0].length
  }
  if (consumed !== body.length) return undefined
  return {metricName: match[1]!, labels, value}
}
