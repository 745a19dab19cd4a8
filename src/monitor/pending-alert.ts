// A change whose alert could not be delivered (no token under cron, Telegram refusing the bot) is not forgotten:
// the check's state keeps it as pending, the next pass tries again, and the chat hears of it exactly once. When the
// check came back before the alert got through, one alert tells the whole outage. A down or up alert the check's
// throttle held back is kept the same way, so that a flapping check that stays down is not left as "up again" in
// the chat; it goes once the window is over, and is dropped if the check went back to what the chat last heard.
import type {AlertOutcome} from './alert-sender.js'
import type {AlertEvent, CheckState, PendingAlert} from '../store/monitor-state.js'
import type {Step} from './transition.js'
import {utcTime} from '../support/duration.js'

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
 * A pending alert the throttle held (`heldUntil`) waits for its time, and goes with the check's next change, which
 * makes the chat's last word true again (see `carriedPending`).
 */
export function alertFor(pending: PendingAlert | undefined, step: Step, now: number): CheckAlert | undefined {
  const own: CheckAlert | undefined = step.event && {
    kind: step.event.kind,
    downSince: step.event.downSince,
    ...(step.event.downtimeMs === undefined ? {} : {downtimeMs: step.event.downtimeMs}),
    ...(step.change?.to === 'up' ? {upSince: step.change.since} : {}),
  }
  if (pending === undefined) return own
  // Held and due, the check unchanged: it goes as any pending alert does (a recovery with its downtime).
  if (pending.heldUntil !== undefined && (step.change || now < pending.heldUntil)) return undefined
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

/**
 * The pending alert a check keeps after this result: a held one goes when the check changes again (a held down
 * alert of a check that is up again, a held recovery of one that is down again: the chat already believes the truth).
 */
export function carriedPending(pending: PendingAlert | undefined, step: Step): PendingAlert | undefined {
  if (pending?.heldUntil !== undefined && step.change) return undefined
  return pending
}

/** A down or up alert the throttle (or a mute) held back: kept pending until then. */
export function heldBack(outcome: AlertOutcome, alert: CheckAlert, at: number): {reason: string; heldUntil: number} | undefined {
  if (outcome.status !== 'suppressed' || outcome.heldUntil === undefined) return undefined
  if (alert.kind !== 'down' && alert.kind !== 'recovered') return undefined
  // A down alert that folds in an up-again the chat never got: the chat's last word is still the earlier down, so
  // holding this one would make the next up again look told already (see carriedPending) and leave "down" standing.
  if (alert.delayed?.event === 'recovered') return undefined
  const by = outcome.muted ? 'a mute' : 'the throttle'
  return {reason: `held back by ${by} until ${utcTime(outcome.heldUntil, at)}`, heldUntil: outcome.heldUntil}
}

/** Why an alert stays pending, or undefined when it was handled (sent, spooled to the outbox, held by the throttle). */
export function undeliveredReason(outcome: AlertOutcome): string | undefined {
  if (outcome.status === 'failed') return outcome.error ?? 'the alert could not be sent'
  if (outcome.status === 'refused' && outcome.delivered === 0) return outcome.error ?? 'Telegram refused the alert'
  return undefined
}

/** The check's state after its alert went (or did not): pending kept, renewed, or cleared. */
export function settlePending(
  state: CheckState,
  alert: CheckAlert,
  reason: string | undefined,
  at: number,
  held?: {reason: string; heldUntil: number},
): CheckState {
  const {pendingAlert: previous, ...rest} = state
  // A late down alert is the chat's latest word on the outage: reminders count from it, not from the change.
  if (reason === undefined && held === undefined) return alert.kind === 'down' && alert.delayed ? {...rest, lastAlertAt: at} : rest
  // A reminder repeats a down alert the chat has: the next one is due anyway.
  if (alert.kind === 'reminder') return state
  const pending: PendingAlert = {
    event: alert.kind,
    downSince: alert.downSince,
    ...(alert.upSince === undefined ? {} : {upSince: alert.upSince}),
    reason: held?.reason ?? reason!,
    firstAt: previous?.firstAt ?? at,
    attempts: (previous?.attempts ?? 0) + 1,
    ...(held === undefined ? {} : {heldUntil: held.heldUntil}),
  }
  return {...rest, pendingAlert: pending}
}
