// A change whose alert could not be delivered (no token under cron, Telegram refusing the bot) is not forgotten:
// the check's state keeps it as pending, the next pass tries again, and the chat hears of it exactly once. When the
// check came back before the alert got through, one alert tells the whole outage.
import type {AlertOutcome} from './alert-sender.js'
import type {AlertEvent, CheckState, PendingAlert} from '../store/monitor-state.js'
import type {Step} from './transition.js'

/** What the pass alerts for one check: its own event, a retry of a pending one, or both merged into one. */
export interface CheckAlert {
  kind: AlertEvent
  downSince: number
  downtimeMs?: number
  /** When it came back (an outage). */
  upSince?: number
  /** The undelivered alert this one replaces or retries, told in the alert so the chat knows it is late. */
  delayed?: PendingAlert
}

/**
 * Merges a check's pending alert (from earlier passes) with what this result changed:
 * - pending down, now up again: one `outage` alert, down from … to …, sent even without send-on-resolved;
 * - pending down, still down: the down alert again (it stands in for a reminder);
 * - pending recovery or outage, down again: the new down alert, saying what was not told;
 * - otherwise the pending alert again, or this result's own event.
 */
export function alertFor(pending: PendingAlert | undefined, step: Step): CheckAlert | undefined {
  const own: CheckAlert | undefined = step.event && {
    kind: step.event.kind,
    downSince: step.event.downSince,
    ...(step.event.downtimeMs === undefined ? {} : {downtimeMs: step.event.downtimeMs}),
    ...(step.change?.to === 'up' ? {upSince: step.change.since} : {}),
  }
  if (pending === undefined) return own
  if (pending.event === 'down') {
    if (step.change?.to === 'up') {
      const upSince = step.change.since
      return {kind: 'outage', downSince: pending.downSince, upSince, downtimeMs: upSince - pending.downSince, delayed: pending}
    }
    return {kind: 'down', downSince: pending.downSince, delayed: pending}
  }
  if (step.change?.to === 'down') return {...own!, delayed: pending}
  const upSince = pending.upSince ?? pending.downSince
  return {kind: pending.event, downSince: pending.downSince, upSince, downtimeMs: upSince - pending.downSince, delayed: pending}
}

/** Why an alert stays pending, or undefined when it was handled (sent, spooled to the outbox, held by the throttle). */
export function undeliveredReason(outcome: AlertOutcome): string | undefined {
  if (outcome.status === 'failed') return outcome.error ?? 'the alert could not be sent'
  if (outcome.status === 'refused' && outcome.delivered === 0) return outcome.error ?? 'Telegram refused the alert'
  return undefined
}

/** The check's state after its alert went (or did not): pending kept, renewed, or cleared. */
export function settlePending(state: CheckState, alert: CheckAlert, reason: string | undefined, at: number): CheckState {
  const {pendingAlert: previous, ...rest} = state
  if (reason === undefined) return rest
  // A reminder repeats a down alert the chat has: the next one is due anyway.
  if (alert.kind === 'reminder') return state
  const pending: PendingAlert = {
    event: alert.kind,
    downSince: alert.downSince,
    ...(alert.upSince === undefined ? {} : {upSince: alert.upSince}),
    reason,
    firstAt: previous?.firstAt ?? at,
    attempts: (previous?.attempts ?? 0) + 1,
  }
  return {...rest, pendingAlert: pending}
}
