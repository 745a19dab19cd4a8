import type {CheckSpec} from './check-spec.js'
import {formatDowntime, formatSpan, utcTime} from '../support/duration.js'
import {type CheckStatus, type MonitorState, type MonitorStore, pendingText} from '../store/monitor-state.js'

/** One check as `monitor status` shows it. `pending`: in the monitors file, never run. */
export interface StatusRow {
  name: string
  status: CheckStatus | 'pending'
  /** Epoch ms since when it has this status. */
  since?: number
  lastAt?: number
  lastOk?: boolean
  message?: string
  failures: number
  channel?: string
  /** `http GET https://…`, secrets masked. */
  target?: string
  /** False for a check that is in the state but no longer in the monitors file. */
  configured: boolean
  /** Why the alert of its latest change has not been delivered yet (the next pass retries it). */
  alertPending?: string
}

/** The rows: the file's checks in its order (when it could be read), then any other check the state knows. */
export function statusRows(state: MonitorState, checks?: readonly Pick<CheckSpec, 'name'>[]): StatusRow[] {
  const rows: StatusRow[] = []
  const seen = new Set<string>()
  const rowOf = (name: string, configured: boolean): StatusRow => {
    const check = state.checks[name]
    if (check === undefined) return {name, status: 'pending', failures: 0, configured}
    return {
      name,
      status: check.status,
      since: check.since,
      lastAt: check.last.at,
      lastOk: check.last.ok,
      message: check.last.message,
      failures: check.failures,
      channel: check.channel,
      target: check.target,
      configured,
      ...(check.pendingAlert ? {alertPending: pendingText(check.pendingAlert)} : {}),
    }
  }
  for (const check of checks ?? []) {
    seen.add(check.name)
    rows.push(rowOf(check.name, true))
  }
  for (const name of Object.keys(state.checks).sort()) if (!seen.has(name)) rows.push(rowOf(name, checks === undefined))
  return rows
}

/**
 *     CHECK  STATUS  SINCE                 LAST CHECK    DETAIL
 *     api    up      14:00:00 UTC (3h 05m) 14:05:00 UTC  200 OK
 *     db     DOWN    13:58:00 UTC (7m 00s) 14:05:00 UTC  connection refused (5 failures in a row)
 */
export function statusTable(rows: readonly StatusRow[], state: MonitorState, now: number): string[] {
  const table = rows.map((row) => [
    row.name,
    row.status === 'down' ? 'DOWN' : row.status,
    row.since === undefined ? '-' : `${utcTime(row.since, now)} (${formatDowntime(now - row.since)})`,
    row.lastAt === undefined ? '-' : utcTime(row.lastAt, now),
    detailOf(row),
  ])
  const header = ['CHECK', 'STATUS', 'SINCE', 'LAST CHECK', 'DETAIL']
  const widths = header.map((title, column) => Math.max(title.length, ...table.map((cells) => cells[column]!.length)))
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd()
  const lines = rows.length === 0 ? ['no checks yet: run fastpay-tg monitor run'] : [line(header), ...table.map(line)]
  const removed = rows.filter(forgettable).map((row) => row.name)
  if (removed.length > 0) {
    const one = removed.length === 1
    lines.push('', `${removed.join(', ')} ${one ? 'is' : 'are'} not in the monitors file: fastpay-tg monitor forget ${removed.join(' ')} removes ${one ? 'its' : 'their'} state`)
  }
  const pass = state.lastPass
  if (pass) {
    const down = pass.down.length === 0 ? 'none down' : `${pass.down.length} down (${pass.down.join(', ')})`
    lines.push('', `last pass ${utcTime(pass.at, now)} on ${pass.host}: ${pass.checks} check${pass.checks === 1 ? '' : 's'} in ${formatSpan(pass.durationMs)}, ${down}`)
  }
  return lines
}

/**
 * A check the state knows that the monitors file no longer lists: it keeps its state (and counts as down) until
 * `monitor forget`. Not a `monitor exec` job, which is never in the file.
 */
export const forgettable = (row: StatusRow): boolean => !row.configured && row.target?.startsWith('exec ') !== true

function detailOf(row: StatusRow): string {
  if (row.status === 'pending') return 'not run yet'
  const failing = row.lastOk === false && row.failures > 0 ? ` (${row.failures} failure${row.failures === 1 ? '' : 's'} in a row)` : ''
  const removed = row.configured ? '' : ' [not in the monitors file]'
  const pending = row.alertPending === undefined ? '' : `; alert pending: ${row.alertPending}`
  return `${row.message ?? ''}${failing}${removed}${pending}`
}


export interface StatusSectionsOptions {
  /** The opened store's `monitor`. */
  store: MonitorStore
  /** @default Date.now */
  now?: () => number
}

/**
 * For `webhook serve`'s /status (its `statusSections` option): the last monitor pass and the checks that are down,
 * read afresh on every call. Nothing when the monitor never ran.
 *
 *     Monitor: last pass 14:05 UTC, 12 checks, 1 down
 *     • db: down since 13:58:00 UTC (7m 00s): connection refused
 */
export function monitorStatusSections(options: StatusSectionsOptions): () => Promise<string[]> {
  const {store} = options
  const now = options.now ?? Date.now
  return async () => {
    const {state} = await store.readState()
    const names = Object.keys(state.checks)
    if (names.length === 0 && state.lastPass === undefined) return []
    const at = now()
    const down = names.filter((name) => state.checks[name]!.status === 'down').sort()
    const pass = state.lastPass ? `last pass ${utcTime(state.lastPass.at, at)}` : 'no full pass yet'
    const lines = [`Monitor: ${pass}, ${names.length} check${names.length === 1 ? '' : 's'}, ${down.length === 0 ? 'all up' : `${down.length} down`}`]
    for (const name of down) {
      const check = state.checks[name]!
      lines.push(`• ${name}: down since ${utcTime(check.since, at)} (${formatDowntime(at - check.since)}): ${check.last.message}`)
    }
    for (const name of names.filter((name) => state.checks[name]!.pendingAlert).sort()) {
      lines.push(`• ${name}: alert pending: ${pendingText(state.checks[name]!.pendingAlert!)}`)
    }
    return lines
  }
}
