import type {CheckResult} from './check-result.js'
import type {CheckCommon} from './check-spec.js'
import type {AlertEvent, CheckState} from '../store/monitor-state.js'

/** What a result does to its check beyond counting: a status change, an alert to send. */
export interface Step {
  state: CheckState
  change?: {to: 'up' | 'down'; since: number; downSince?: number}
  event?: {kind: AlertEvent; downSince: number; downtimeMs?: number}
}

export type Thresholds = Pick<CheckCommon, 'failureThreshold' | 'successThreshold' | 'reminderIntervalMs' | 'sendOnResolved'>

export interface CheckIdentity {
  target: string
  channel: string
}

/**
 * Applies one result to a check's state. A check goes down after `failureThreshold` failing results in a row and
 * up again after `successThreshold` passing ones; only those changes (and reminders while down, at most every
 * `reminderIntervalMs`) produce an alert. A new check starts `unknown`: up at its first passing result, down once
 * failures cross the threshold. Down and up times are the start of the streak that crossed the threshold,
 * so the downtime a recovery reports runs from the first failing result to the first passing one.
 */
export function applyResult(
  previous: CheckState | undefined,
  result: CheckResult,
  thresholds: Thresholds,
  identity: CheckIdentity,
  now: number,
): Step {
  const sameStreak = previous !== undefined && previous.last.ok === result.ok
  const failures = result.ok ? 0 : (previous?.failures ?? 0) + 1
  const successes = result.ok ? (previous?.successes ?? 0) + 1 : 0
  const streakSince = sameStreak ? previous.streakSince : result.startedAt
  const status = previous?.status ?? 'unknown'
  const last = {
    ok: result.ok,
    at: result.startedAt,
    durationMs: result.durationMs,
    message: result.message,
    ...(result.output === undefined ? {} : {output: result.output}),
  }
  const state: CheckState = {
    status,
    since: previous?.since ?? result.startedAt,
    failures,
    successes,
    streakSince,
    last,
    ...(previous?.lastAlertAt === undefined ? {} : {lastAlertAt: previous.lastAlertAt}),
    ...identity,
  }

  if (!result.ok && status !== 'down' && failures >= thresholds.failureThreshold) {
    return {
      state: {...state, status: 'down', since: streakSince, lastAlertAt: now},
      change: {to: 'down', since: streakSince},
      event: {kind: 'down', downSince: streakSince},
    }
  }
  // A check never seen failing is up at its first passing result: the threshold paces recoveries only.
  if (result.ok && (status === 'unknown' || (status === 'down' && successes >= thresholds.successThreshold))) {
    const {lastAlertAt: _lastAlertAt, ...up} = state
    if (status !== 'down') return {state: {...up, status: 'up', since: streakSince}}
    const downSince = previous!.since
    const downtimeMs = streakSince - downSince
    return {
      state: {...up, status: 'up', since: streakSince},
      change: {to: 'up', since: streakSince, downSince},
      ...(thresholds.sendOnResolved ? {event: {kind: 'recovered' as const, downSince, downtimeMs}} : {}),
    }
  }
  const reminderDue =
    !result.ok &&
    status === 'down' &&
    thresholds.reminderIntervalMs !== undefined &&
    now - (previous!.lastAlertAt ?? previous!.since) >= thresholds.reminderIntervalMs
  if (reminderDue) {
    return {state: {...state, lastAlertAt: now}, event: {kind: 'reminder', downSince: state.since, downtimeMs: now - state.since}}
  }
  return {state}
}
