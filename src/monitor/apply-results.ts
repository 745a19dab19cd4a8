import {redact} from '../redact.js'
import type {AlertOutcome, AlertSender} from './alert-sender.js'
import type {CheckResult} from './check-result.js'
import type {CheckCommon} from './check-spec.js'
import {alertFor, carriedPending, type CheckAlert, heldBack, settlePending, undeliveredReason} from './pending-alert.js'
import {type CheckEvent, planAlerts} from './plan-alerts.js'
import {type CheckStatus, type HistoryRecord, type MonitorStore, StateLockTimeout} from '../store/monitor-state.js'
import {applyResult} from './transition.js'

/** A result and the check it belongs to. */
export interface RanCheck {
  check: CheckCommon
  /** `http GET https://…`: how alerts and `monitor status` name what was checked. */
  target: string
  result: CheckResult
  /** Orders the result against the state's last one instead of its start (a fleet: its interval). @default result.startedAt */
  applyAt?: number
  /** Fewer hosts than the check's `quorum` saw this failure (a fleet): recorded, not applied. */
  belowQuorum?: {failing: number; quorum: number}
}

/** One check after the pass. */
export interface CheckReport {
  name: string
  ok: boolean
  status: CheckStatus
  message: string
  durationMs: number
  startedAt: number
  output?: string
  change?: 'up' | 'down'
  event?: CheckEvent['kind']
  /** A newer result (from an overlapping pass) was applied already: this one was recorded, not applied. */
  stale?: boolean
  /** Failing on fewer hosts than the quorum: recorded, not applied. */
  belowQuorum?: {failing: number; quorum: number}
}

export interface ApplyReport {
  checks: CheckReport[]
  alerts: AlertOutcome[]
  /** False when the state lock could not be had: results were recorded in the history only. */
  evaluated: boolean
  warnings: string[]
}

export interface ApplyOptions {
  store: MonitorStore
  sender: AlertSender
  /** @default Date.now */
  now?: () => number
  /** Recorded with each result; a fleet of hosts tells them apart by it. */
  host: string
  /** Set by a pass (not by `monitor exec`): recorded as the last pass, for `monitor status` and /status. */
  pass?: {startedAt: number; durationMs: number}
}

/**
 * Under the state lock: applies the results to the checks' states, sends the alerts the changes call for, then
 * writes the state and the history. Two passes that overlap take turns here, and the later one sees what the
 * earlier one did, so one change alerts once. Alerts go before the state is written: a pass killed in between
 * alerts again next time rather than never.
 */
export async function applyResults(ran: readonly RanCheck[], options: ApplyOptions): Promise<ApplyReport> {
  const now = options.now ?? Date.now
  const {store} = options
  const results: HistoryRecord[] = ran.map(({check, result}) => ({
    type: 'result',
    at: result.startedAt,
    check: check.name,
    ok: result.ok,
    ms: result.durationMs,
    ...(result.ok ? {} : {error: redact(result.message)}),
    host: options.host,
  }))
  try {
    return await store.withStateLock(async () => {
      const {state, warnings} = await store.readState()
      const at = now()
      const reports: CheckReport[] = []
      const events: CheckEvent[] = []
      const alerting = new Map<string, CheckAlert>()
      const history: HistoryRecord[] = [...results]
      for (const {check, target, result, applyAt, belowQuorum} of ran) {
        const previous = state.checks[check.name]
        const base = {name: check.name, ok: result.ok, message: result.message, durationMs: result.durationMs, startedAt: result.startedAt, ...(result.output === undefined ? {} : {output: result.output})}
        if (belowQuorum !== undefined) {
          reports.push({...base, status: previous?.status ?? 'unknown', belowQuorum})
          continue
        }
        const orderAt = applyAt ?? result.startedAt
        if (previous !== undefined && orderAt <= previous.last.at) {
          reports.push({...base, status: previous.status, stale: true})
          continue
        }
        const step = applyResult(previous, {...result, startedAt: orderAt}, check, {target, channel: check.channel}, at)
        // applyResult starts the state afresh; a pending alert stays on it until settled below.
        const pending = carriedPending(previous?.pendingAlert, step)
        state.checks[check.name] = pending ? {...step.state, pendingAlert: pending} : step.state
        if (step.change) history.push({type: 'change', at, check: check.name, ...step.change})
        const alert = alertFor(previous?.pendingAlert, step, at)
        if (alert) {
          events.push({check, target, result, failures: step.state.failures, ...alert})
          alerting.set(check.name, alert)
        }
        reports.push({...base, status: step.state.status, ...(step.change ? {change: step.change.to} : {}), ...(alert ? {event: alert.kind} : {})})
      }
      const alerts: AlertOutcome[] = []
      for (const alert of planAlerts(events, at)) {
        const outcome = await options.sender.send(alert, at)
        const reason = undeliveredReason(outcome)
        alerts.push(reason === undefined ? outcome : {...outcome, pending: true})
        warnings.push(...outcome.warnings)
        history.push({type: 'alert', at, checks: alert.checks, event: alert.event, status: outcome.status, channel: alert.channel})
        for (const name of alert.checks) {
          const checkAlert = alerting.get(name)!
          const held = reason === undefined ? heldBack(outcome, checkAlert, at) : undefined
          state.checks[name] = settlePending(state.checks[name]!, checkAlert, reason && redact(reason), at, held)
        }
      }
      if (options.pass) {
        const down = Object.entries(state.checks).filter(([, check]) => check.status === 'down').map(([name]) => name)
        state.lastPass = {at: options.pass.startedAt, durationMs: options.pass.durationMs, checks: ran.length, down, host: options.host}
      }
      await store.writeState(state)
      await store.appendHistory(history)
      return {checks: reports, alerts, evaluated: true, warnings}
    })
  } catch (error) {
    if (!(error instanceof StateLockTimeout)) throw error
    await store.appendHistory(results)
    const checks = ran.map(({check, result}) => ({name: check.name, ok: result.ok, status: 'unknown' as const, message: result.message, durationMs: result.durationMs, startedAt: result.startedAt}))
    return {checks, alerts: [], evaluated: false, warnings: [`${error.message}: these results were recorded but not evaluated`]}
  }
}
