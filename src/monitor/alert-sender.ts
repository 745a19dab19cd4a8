import type {AlertTarget} from '../alert/alert-target.js'
import {type AlertThrottleSettings, sendAlert, type SendAlertOptions} from '../alert/send-alert.js'
import {describeFailure} from '../describe-failure.js'
import {newTelegramLimiter, type TelegramRateLimiter} from '../rate-limit/telegram-limiter.js'
import type {PlannedAlert} from './plan-alerts.js'
import type {AlertEvent, AlertRecordStatus} from '../store/monitor-state.js'

/** What became of one planned alert. */
export interface AlertOutcome {
  channel: string
  event: AlertEvent
  checks: string[]
  status: AlertRecordStatus
  /** The bot that sent it, when one was found for the channel. */
  bot?: string
  /** 0 sent or suppressed, 1 refused, 75 spooled, else the code of what stopped it (2: no bot for the channel). */
  exitCode: number
  /** The text sent or spooled. */
  text?: string
  error?: string
  /** It went nowhere, for a reason the outbox does not take: the change stays pending and the next pass retries it. */
  pending?: boolean
  /** Suppressed: when the throttle (or a mute) lets this key go again, epoch ms. */
  heldUntil?: number
  /** Suppressed, and a mute (not the throttle's window) is what holds it until `heldUntil`. */
  muted?: boolean
  /** Chats that have it (sent, or waiting in the outbox); 0 when it went nowhere. */
  delivered: number
  warnings: string[]
}

export interface AlertSender {
  send(alert: PlannedAlert, now: number): Promise<AlertOutcome>
}

export interface AlertSenderOptions {
  /** Finds the bot and chats of a channel (a bot name), as `alert --channel` does. Called once per channel. */
  openTarget: (channel: string) => Promise<AlertTarget>
  /** The alert throttle: a FileThrottle in the state dir, or whatever store `alert` uses. */
  throttle: AlertThrottleSettings['store']
  outbox: SendAlertOptions['outbox']
  /** The store's links: alerts also go to the chats linked to their channel. @default none */
  links?: SendAlertOptions['links']
}

/** Sends planned alerts with `sendAlert`: through the throttle (and its mutes) and the outbox, paced per bot. */
export function createAlertSender(options: AlertSenderOptions): AlertSender {
  const targets = new Map<string, Promise<AlertTarget>>()
  const limiters = new Map<string, TelegramRateLimiter>()
  return {
    async send(alert, now) {
      const base = {channel: alert.channel, event: alert.event, checks: alert.checks}
      let target: AlertTarget
      try {
        let opening = targets.get(alert.channel)
        if (opening === undefined) {
          opening = options.openTarget(alert.channel)
          targets.set(alert.channel, opening)
          // A bot that cannot be opened now (a token not set yet) is asked for again by the next pass of a watch.
          opening.catch(() => targets.delete(alert.channel))
        }
        target = await opening
      } catch (error) {
        const failure = describeFailure(error)
        return {...base, status: 'failed', exitCode: failure.exitCode, error: failure.message, delivered: 0, warnings: []}
      }
      let limiter = limiters.get(target.botLabel)
      if (limiter === undefined) limiters.set(target.botLabel, (limiter = newTelegramLimiter()))
      let result
      try {
        result = await sendAlert({
          target,
          content: alert.content,
          throttle: {store: options.throttle, key: alert.throttleKey, windowSeconds: alert.windowSeconds},
          outbox: options.outbox,
          ...(options.links ? {links: options.links} : {}),
          limiter,
          now,
        })
      } catch (error) {
        // Neither sent nor spooled (the outbox could not be written, say): the change stays pending for the next pass.
        const failure = describeFailure(error)
        return {...base, status: 'failed', bot: target.botLabel, exitCode: failure.exitCode, error: failure.message, delivered: 0, warnings: []}
      }
      const refused = result.deliveries.find((delivery) => !delivery.ok && delivery.error)
      // Sent without a state dir (fail open) and not delivered: nothing keeps it, so the change stays pending.
      if (result.status === 'unsent') {
        const error = refused?.error?.message ?? 'not delivered'
        return {...base, status: 'failed', bot: result.bot, exitCode: result.exitCode, error, delivered: 0, warnings: result.warnings}
      }
      return {
        ...base,
        status: result.status,
        bot: result.bot,
        exitCode: result.exitCode,
        ...(result.text === undefined ? {} : {text: result.text}),
        ...(result.status === 'refused' && refused?.error ? {error: refused.error.message} : {}),
        ...(result.spooled ? {error: result.spooled.error} : {}),
        ...(result.status === 'suppressed' && result.suppressed ? heldBy(result.suppressed) : {}),
        delivered: result.status === 'refused' ? result.deliveries.filter((delivery) => delivery.ok).length : result.deliveries.length || target.chatIds.length,
        warnings: result.warnings,
      }
    },
  }
}

/** Until when a suppressed alert's key is held, and whether a mute ending after the window is what holds it. */
function heldBy(suppressed: {nextAt: Date; mutedUntil?: Date}): {heldUntil: number; muted?: true} {
  const windowEnd = suppressed.nextAt.getTime()
  const mutedUntil = suppressed.mutedUntil?.getTime()
  if (mutedUntil !== undefined && mutedUntil >= windowEnd) return {heldUntil: mutedUntil, muted: true}
  return {heldUntil: windowEnd}
}
