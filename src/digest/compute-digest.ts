import type {HistoryRecord} from '../store/monitor-state.js'

/** A time a check was down: from its first failing result to its first passing one. */
export interface Incident {
  start: number
  /** Undefined while it lasts. */
  end?: number
  /** Until `end`, or until the digest's end while it lasts. */
  durationMs: number
}

export interface CheckDigest {
  name: string
  results: number
  passed: number
  /** Passing results out of all results, in %, rounded down to 2 decimals (so that 99.999 never shows as 100). */
  uptimePercent: number
  /** Incidents that ended or started in the period, in order. */
  incidents: Incident[]
  /** Nearest-rank percentiles of the passing results' durations; undefined without one. */
  p50Ms?: number
  p95Ms?: number
  /** Alerts that named this check (a grouped alert counts for each of its checks). */
  alerts: AlertCounts
}

/** `sent` includes alerts waiting in the outbox; `failed`: refused by Telegram, or no bot for the channel. */
export interface AlertCounts {
  sent: number
  suppressed: number
  failed: number
}

export interface Digest {
  from: number
  to: number
  /** By name. */
  checks: CheckDigest[]
  /** Every alert of the period once, grouped ones included once. */
  alerts: AlertCounts
  results: number
}

/** Summarises the history between `from` and `to` (epoch ms) per check. */
export function computeDigest(records: readonly HistoryRecord[], from: number, to: number): Digest {
  const byCheck = new Map<string, {results: number; passed: number; latencies: number[]; incidents: Incident[]; openSince?: number; alerts: AlertCounts}>()
  const entry = (name: string) => {
    let found = byCheck.get(name)
    if (found === undefined) byCheck.set(name, (found = {results: 0, passed: 0, latencies: [], incidents: [], alerts: noAlerts()}))
    return found
  }
  const alerts = noAlerts()
  for (const record of [...records].sort((a, b) => a.at - b.at)) {
    if (record.at < from || record.at >= to) continue
    if (record.type === 'result') {
      const check = entry(record.check)
      check.results++
      if (record.ok) {
        check.passed++
        check.latencies.push(record.ms)
      }
    } else if (record.type === 'change') {
      const check = entry(record.check)
      if (record.to === 'down') check.openSince ??= record.since
      else {
        const start = record.downSince ?? check.openSince
        if (start !== undefined) check.incidents.push({start, end: record.since, durationMs: record.since - start})
        check.openSince = undefined
      }
    } else {
      const kind = countOf(record.status)
      alerts[kind]++
      for (const name of record.checks) entry(name).alerts[kind]++
    }
  }
  const checks = [...byCheck].map(([name, check]): CheckDigest => {
    if (check.openSince !== undefined) check.incidents.push({start: check.openSince, durationMs: to - check.openSince})
    const sorted = check.latencies.sort((a, b) => a - b)
    return {
      name,
      results: check.results,
      passed: check.passed,
      uptimePercent: check.results === 0 ? 100 : Math.floor((check.passed / check.results) * 10_000) / 100,
      incidents: check.incidents,
      ...(sorted.length === 0 ? {} : {p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95)}),
      alerts: check.alerts,
    }
  })
  checks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return {from, to, checks, alerts, results: checks.reduce((sum, check) => sum + check.results, 0)}
}

/** Nearest rank: the smallest value with at least `p`% of the values at or below it. `sorted` ascending, not empty. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1]!
}

function countOf(status: string): keyof AlertCounts {
  if (status === 'sent' || status === 'spooled') return 'sent'
  return status === 'suppressed' ? 'suppressed' : 'failed'
}

function noAlerts(): AlertCounts {
  return {sent: 0, suppressed: 0, failed: 0}
}
