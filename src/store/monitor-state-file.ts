// The monitor state file, checked by hand like the throttle's: `monitor run` starts every minute, and zod would
// cost each pass more than reading the state does.
import type {CheckState, HistoryRecord, MonitorState, PendingAlert} from './monitor-state.js'
import {isRecord} from '../support/is-record.js'

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)
const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0
const isString = (value: unknown) => typeof value === 'string'

function isCheckState(value: unknown): value is CheckState {
  if (!isRecord(value) || !['up', 'down', 'unknown'].includes(value.status as string)) return false
  if (!isTime(value.since) || !isTime(value.streakSince) || !isCount(value.failures) || !isCount(value.successes)) return false
  if (!isString(value.target) || !isString(value.channel)) return false
  if (value.lastAlertAt !== undefined && !isTime(value.lastAlertAt)) return false
  const last = value.last
  return isRecord(last) && typeof last.ok === 'boolean' && isTime(last.at) && isTime(last.durationMs) && isString(last.message)
}

/** The state in `text`; entries that are not check states are dropped and named in `problems`. */
export function parseMonitorState(text: string): {state: MonitorState; problems: string[]} | {problem: string} {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return {problem: 'not JSON'}
  }
  if (!isRecord(value) || value.version !== 1 || !isRecord(value.checks)) return {problem: 'not a monitor state'}
  const checks: Record<string, CheckState> = {}
  const problems: string[] = []
  for (const [name, check] of Object.entries(value.checks)) {
    if (!isCheckState(check)) {
      problems.push(name)
      continue
    }
    // An unreadable pending alert is dropped rather than the check: its status still holds.
    if (check.pendingAlert !== undefined && readPending(check.pendingAlert) === undefined) delete check.pendingAlert
    checks[name] = check
  }
  const state: MonitorState = {version: 1, checks}
  const lastPass = value.lastPass
  if (isRecord(lastPass) && isTime(lastPass.at) && isTime(lastPass.durationMs) && Array.isArray(lastPass.down)) {
    state.lastPass = lastPass as unknown as NonNullable<MonitorState['lastPass']>
  }
  return {state, problems}
}

/** One history line, or undefined when it is not one (a line cut short by a killed process, say). */
export function parseHistoryLine(line: string): HistoryRecord | undefined {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return undefined
  }
  if (!isRecord(value) || !isTime(value.at)) return undefined
  if (value.type === 'result') return isString(value.check) && typeof value.ok === 'boolean' && isTime(value.ms) ? (value as HistoryRecord) : undefined
  if (value.type === 'change') return isString(value.check) && (value.to === 'up' || value.to === 'down') && isTime(value.since) ? (value as HistoryRecord) : undefined
  if (value.type === 'alert') return Array.isArray(value.checks) && isString(value.event) && isString(value.status) ? (value as HistoryRecord) : undefined
  if (value.type === 'forget') return isString(value.check) ? (value as HistoryRecord) : undefined
  return undefined
}

/** A pending alert read back from a state file, or undefined when it is not one. */
export function readPending(value: unknown): PendingAlert | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const pending = value as Record<string, unknown>
  const time = (field: unknown) => typeof field === 'number' && Number.isFinite(field)
  if (!['down', 'recovered', 'outage'].includes(pending.event as string)) return undefined
  if (!time(pending.downSince) || !time(pending.firstAt) || typeof pending.reason !== 'string' || !Number.isSafeInteger(pending.attempts)) return undefined
  if (pending.upSince !== undefined && !time(pending.upSince)) return undefined
  return pending as unknown as PendingAlert
}
