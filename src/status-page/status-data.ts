// What the status page shows, computed apart from how it is drawn: checks with their state and numbers, incidents,
// the last pass, the fleet's hosts.
import {percentile} from '../digest/compute-digest.js'
import type {HostView} from '../monitor/fleet/index.js'
import type {StatusRow} from '../monitor/status.js'
import type {MonitorState} from '../store/monitor-state.js'
import {DAY_MS, type DayCount, type HistoryWindow} from './history-days.js'

export interface PageCheck extends StatusRow {
  /** Passing results out of all, in %, over the last 24 h, 7 and 30 UTC days; undefined without any result. */
  uptime: {day?: number; week?: number; month?: number}
  /** One per day of the window, oldest first. */
  days: Array<{day: number; uptimePercent?: number}>
  /** Mean duration of the passing results of each of the last 24 hours, oldest first (undefined: none that hour). */
  latencyByHour: Array<number | undefined>
  /** Median duration of the last 24 h's passing results. */
  p50Ms?: number
}

export interface PageIncident {
  check: string
  start: number
  /** Undefined while it lasts. */
  end?: number
  /** The failure it is down with (open incidents). */
  message?: string
}

export interface StatusPageData {
  generatedAt: number
  checks: PageCheck[]
  open: PageIncident[]
  /** Ended within the window, latest first, at most RECENT_INCIDENTS. */
  recent: PageIncident[]
  lastPass?: MonitorState['lastPass']
  hosts: HostView[]
}

export const RECENT_INCIDENTS = 20

const percentOf = (counts: DayCount[]): number | undefined => {
  const results = counts.reduce((sum, count) => sum + count.results, 0)
  const passed = counts.reduce((sum, count) => sum + count.passed, 0)
  // Rounded down, so that 99.999 never reads as 100.
  return results === 0 ? undefined : Math.floor((passed / results) * 10_000) / 100
}

export function statusPageData(rows: readonly StatusRow[], state: MonitorState, window: HistoryWindow, hosts: readonly HostView[], now: number): StatusPageData {
  const checks = rows.map((row): PageCheck => {
    const countsOf = (days: number[]) => days.map((day) => window.counts(row.name, day)).filter((count): count is DayCount => count !== undefined)
    const recent = window.recent.filter((record) => record.check === row.name)
    const passing = recent.filter((record) => record.ok)
    const latencyByHour = Array.from({length: 24}, (_, hour) => {
      const from = now - (24 - hour) * 3_600_000
      const inHour = passing.filter((record) => record.at > from && record.at <= from + 3_600_000).map((record) => record.ms)
      return inHour.length === 0 ? undefined : Math.round(inHour.reduce((sum, ms) => sum + ms, 0) / inHour.length)
    })
    const sorted = passing.map((record) => record.ms).sort((a, b) => a - b)
    return {
      ...row,
      uptime: {
        day: percentOf(recent.map((record) => ({results: 1, passed: record.ok ? 1 : 0}))),
        week: percentOf(countsOf(window.days.slice(-7))),
        month: percentOf(countsOf(window.days)),
      },
      days: window.days.map((day) => ({day, uptimePercent: percentOf(countsOf([day]))})),
      latencyByHour,
      ...(sorted.length === 0 ? {} : {p50Ms: percentile(sorted, 50)}),
    }
  })
  return {
    generatedAt: now,
    checks,
    open: rows.filter((row) => row.status === 'down').map((row) => ({check: row.name, start: row.since ?? now, ...(row.message ? {message: row.message} : {})})),
    recent: closedIncidents(window, now),
    ...(state.lastPass ? {lastPass: state.lastPass} : {}),
    hosts: [...hosts].sort((a, b) => (a.host < b.host ? -1 : 1)),
  }
}

/** Incidents that ended in the window: a change to down, then one back up (which carries when it went down). */
function closedIncidents(window: HistoryWindow, now: number): PageIncident[] {
  const openSince = new Map<string, number>()
  const closed: PageIncident[] = []
  for (const change of window.changes) {
    if (change.to === 'down') {
      if (!openSince.has(change.check)) openSince.set(change.check, change.since)
      continue
    }
    const start = change.downSince ?? openSince.get(change.check)
    openSince.delete(change.check)
    if (start !== undefined && change.since > now - window.days.length * DAY_MS) closed.push({check: change.check, start, end: change.since})
  }
  return closed.sort((a, b) => b.end! - a.end!).slice(0, RECENT_INCIDENTS)
}
