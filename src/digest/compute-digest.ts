import type {HistoryRecord} from '../store/monitor-state.js'

/** A time a check was down: from its first failing result to its first passing one. */
export interface Incident {
  /** When it began, also when that was before the period (then `startedBefore`). */
  start: number
  /** It began before the period: `durationMs` counts from the period's start. */
  startedBefore?: true
  /** Undefined while it lasts. */
  end?: number
  /**
   * The part of it inside the period, as the uptime counts only the period's results: from `start` (or the period's
   * start, when it began before) until `end`, or until the digest's end while it lasts.
   */
  durationMs: number
  /** It ended with `monitor forget`, not with the check coming back. */
  forgotten?: true
}

export interface CheckDigest {
  name: string
  results: number
  passed: number
  /**
   * Passing results out of all results, in %, rounded down to 2 decimals (so that 99.999 never shows as 100).
   * Undefined without a result: a check of the monitors file that has not run in the period is not "100% up".
   */
  uptimePercent?: number
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
export function computeDigest(records: Iterable<HistoryRecord>, from: number, to: number): Digest {
  const digest = new DigestAccumulator(from, to)
  for (const record of records) digest.add(record)
  return digest.finish()
}

/** What opens and closes incidents: status changes, and `monitor forget`, which ends one still open. */
type StatusEvent = Extract<HistoryRecord, {type: 'change' | 'forget'}>

interface CheckTally {
  results: number
  passed: number
  latencies: LatencyCounts
  alerts: AlertCounts
}

/**
 * The digest built one record at a time, in any order, in memory that does not grow with the number of records
 * (`digest` over a million lines): counts, latencies as value → count, and only the status changes kept (few), put
 * in time order at the end to pair each down with its up.
 */
export class DigestAccumulator {
  readonly #byCheck = new Map<string, CheckTally>()
  readonly #changes: StatusEvent[] = []
  readonly #alerts = noAlerts()
  /** Checks already down when the period began (their down change is older than it): name → since. */
  readonly #downAtStart = new Map<string, number>()

  constructor(
    readonly from: number,
    readonly to: number,
  ) {}

  add(record: HistoryRecord): void {
    if (record.at < this.from || record.at >= this.to) return
    if (record.type === 'result') {
      const check = this.#entry(record.check)
      check.results++
      if (record.ok) {
        check.passed++
        check.latencies.add(record.ms)
      }
    } else if (record.type === 'change') {
      this.#entry(record.check)
      this.#changes.push(record)
    } else if (record.type === 'forget') {
      this.#changes.push(record)
    } else {
      const kind = countOf(record.status)
      this.#alerts[kind]++
      for (const name of record.checks) this.#entry(name).alerts[kind]++
    }
  }

  /**
   * Says that `check` has been down since `since`, before the period began (the monitor state knows; the period's
   * history has no down change for it): without this, a check down all period reads as "0% up" with no incident.
   */
  downSince(check: string, since: number): void {
    if (since < this.from) this.#downAtStart.set(check, since)
  }

  /** Names the checks of the monitors file: each is listed, also one without a result in the period (never run). */
  monitored(names: Iterable<string>): void {
    for (const name of names) this.#entry(name)
  }

  finish(): Digest {
    const {from, to} = this
    const incidents = this.#incidents()
    const checks = [...this.#byCheck].map(([name, check]): CheckDigest => ({
      name,
      results: check.results,
      passed: check.passed,
      ...(check.results === 0 ? {} : {uptimePercent: Math.floor((check.passed / check.results) * 10_000) / 100}),
      incidents: incidents.get(name) ?? [],
      ...(check.latencies.size === 0 ? {} : {p50Ms: check.latencies.percentile(50), p95Ms: check.latencies.percentile(95)}),
      alerts: check.alerts,
    }))
    checks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    return {from, to, checks, alerts: {...this.#alerts}, results: checks.reduce((sum, check) => sum + check.results, 0)}
  }

  #entry(name: string): CheckTally {
    let found = this.#byCheck.get(name)
    if (found === undefined) this.#byCheck.set(name, (found = {results: 0, passed: 0, latencies: new LatencyCounts(), alerts: noAlerts()}))
    return found
  }

  /** Each check's incidents from its status changes, in time order (a stable sort keeps one instant's order). */
  #incidents(): Map<string, Incident[]> {
    // Only checks with records in the period or in the monitors file: a check dropped from the file is not news.
    const open = new Map([...this.#downAtStart].filter(([name]) => this.#byCheck.has(name)))
    const incidents = new Map<string, Incident[]>()
    const push = (name: string, start: number, end: number | undefined, forgotten?: true) => {
      const incident: Incident = {
        start,
        ...(start < this.from ? {startedBefore: true as const} : {}),
        ...(end === undefined ? {} : {end}),
        durationMs: (end ?? this.to) - Math.max(start, this.from),
        ...(forgotten ? {forgotten} : {}),
      }
      incidents.set(name, [...(incidents.get(name) ?? []), incident])
    }
    const since = (change: StatusEvent) => (change.type === 'change' ? change.since : change.at)
    for (const change of [...this.#changes].sort((a, b) => a.at - b.at || since(a) - since(b))) {
      if (change.type === 'forget') {
        const start = open.get(change.check)
        if (start !== undefined) push(change.check, start, change.at, true)
        open.delete(change.check)
      } else if (change.to === 'down') {
        if (!open.has(change.check)) open.set(change.check, change.since)
      } else {
        const start = change.downSince ?? open.get(change.check)
        if (start !== undefined) push(change.check, start, change.since)
        open.delete(change.check)
      }
    }
    for (const [name, start] of open) push(name, start, undefined)
    return incidents
  }
}

/** Durations as value → count: exact nearest-rank percentiles in memory that grows with distinct values only. */
export class LatencyCounts {
  readonly #counts = new Map<number, number>()
  size = 0

  add(ms: number): void {
    this.#counts.set(ms, (this.#counts.get(ms) ?? 0) + 1)
    this.size++
  }

  /** As `percentile` over the sorted values; `size` must not be 0. */
  percentile(p: number): number {
    const rank = Math.max(1, Math.ceil((p / 100) * this.size))
    let seen = 0
    for (const value of [...this.#counts.keys()].sort((a, b) => a - b)) {
      seen += this.#counts.get(value)!
      if (seen >= rank) return value
    }
    throw new Error('percentile of no values')
  }
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
