import type {InlineKeyboardMarkup} from '@grammyjs/types'

import {ExitCode, type ExitCodeValue} from '../exit-codes.js'
import {type FlushReport, failureKind, type SpooledMessage} from '../outbox/index.js'
import {limiterFor, type TelegramRateLimiter} from '../rate-limit/telegram-limiter.js'
import {redact} from '../redact.js'
import {type ChatDelivery, deliverToChats} from '../send/deliver.js'
import {ChatMigrations} from '../send/migrations.js'
import type {OutboxStore, ThrottleStore} from '../store/types.js'
import type {AlertTarget} from './alert-target.js'
import {type AlertContent, renderAlert} from './render-alert.js'
import {type AlertTemplate, renderTemplate} from './template.js'

/** `TELEGRAM_ALERT_THROTTLE_SECONDS` when unset. */
export const DEFAULT_THROTTLE_SECONDS = 60

/** `--throttle-key` when not given: the same title on the same channel is the same alert. */
export function defaultThrottleKey(channel: string, title: string): string {
  // Bot names cannot hold a colon, so no two (channel, title) pairs share a key.
  return `${channel}:${title}`
}

export interface AlertThrottleSettings {
  /** FileThrottle, or a fleet's RedisThrottle: see openStore. */
  store: ThrottleStore
  key: string
  /** @default DEFAULT_THROTTLE_SECONDS, applied by the door */
  windowSeconds: number
}

export interface SendAlertOptions {
  target: AlertTarget
  content: AlertContent
  /** @default the layout of renderAlert */
  template?: AlertTemplate
  /** @default no throttling */
  throttle?: AlertThrottleSettings
  outbox: OutboxStore
  /** Share one per bot between everything a process sends. @default a new limiter */
  limiter?: TelegramRateLimiter
  /** Sends without sound. @default false */
  silent?: boolean
  /** Buttons under the alert (Acknowledge, Mute); kept when the alert is spooled. @default none */
  replyMarkup?: InlineKeyboardMarkup
  /** Epoch ms: the throttle's clock, and the alert's time unless `content.time` is given. @default Date.now() */
  now?: number
}

export type SendAlertStatus = 'sent' | 'suppressed' | 'spooled' | 'refused'

export interface SendAlertResult {
  /**
   * `sent`: every chat has it. `suppressed`: the throttle held it back. `spooled`: some chats could not get it now,
   * it waits in the outbox for them. `refused`: Telegram refused it for some chat, and no chat waits for it.
   */
  status: SendAlertStatus
  /** 0 for sent and suppressed, ExitCode.telegramRefused (1) for refused, ExitCode.spooled (75) for spooled. */
  exitCode: ExitCodeValue
  bot: string
  throttleKey?: string
  /** The text sent or spooled (parse mode HTML); absent when suppressed. */
  text?: string
  /** One per chat for this alert; empty when suppressed, or spooled without trying. */
  deliveries: ChatDelivery[]
  /** The held-back alerts this one reports. */
  reportedSuppressed?: {count: number; since: Date}
  /** Set when suppressed: the count includes this alert. */
  suppressed?: {count: number; since: Date; nextAt: Date; mutedUntil?: Date}
  /**
   * Set when spooled. `behind-outbox`: older alerts of this bot could not be delivered just now, so this one was
   * queued behind them without trying (it would fail the same way, and must not overtake them).
   */
  spooled?: {id: string; chatIds: Array<number | string>; reason: 'unreachable' | 'behind-outbox'; error: string}
  /** The outbox flush that ran first. */
  flushed: FlushReport
  warnings: string[]
}

/**
 * Sends one alert: asks the throttle, renders, delivers what waits in the outbox for this bot (oldest first), then
 * the alert itself to every chat within Telegram's limits. Chats that cannot get it now (network down, 5xx, a 429
 * longer than the client waits) get it through the outbox later; chats Telegram refused (blocked, not found, wrong
 * token) are reported, not spooled: asking again would not help.
 */
export async function sendAlert(options: SendAlertOptions): Promise<SendAlertResult> {
  const {target, outbox, throttle} = options
  const now = options.now ?? Date.now()
  const bot = target.botLabel
  const limiter = options.limiter ?? limiterFor(target.client)
  const migrations = target.migrations ?? new ChatMigrations()
  const send = (chatIds: ReadonlyArray<number | string>, message: SpooledMessage) =>
    deliverToChats(target.client, chatIds, message, {limiter, migrations})
  const common = {bot, ...(throttle ? {throttleKey: throttle.key} : {})}

  const decision = throttle ? await throttle.store.decide(throttle.key, throttle.windowSeconds, now) : undefined
  const warnings = [...(decision?.warnings ?? [])]
  if (decision?.send === false) {
    const flushed = await outbox.flush((entry) => send(entry.chatIds, entry.message), {bot})
    const {suppressedCount: count, since, nextAt, mutedUntil} = decision
    const suppressed = {count, since, nextAt, ...(mutedUntil ? {mutedUntil} : {})}
    const result = {...common, deliveries: [], suppressed, flushed, warnings: [...warnings, ...flushed.warnings]}
    return {status: 'suppressed', exitCode: ExitCode.ok, ...result}
  }

  const reportedSuppressed = decision?.suppressed
  const content: AlertContent = {
    ...options.content,
    time: options.content.time === undefined ? new Date(now) : options.content.time,
    ...(reportedSuppressed ? {suppressed: reportedSuppressed} : {}),
  }
  // An alert often quotes a log line: a token in it must not reach the chat, nor the outbox on disk.
  const text = redact(options.template ? renderTemplate(options.template, content) : renderAlert(content))
  const message: SpooledMessage = {
    text,
    parseMode: 'HTML',
    ...(options.silent ? {silent: true} : {}),
    ...(options.replyMarkup ? {replyMarkup: options.replyMarkup} : {}),
    ...(target.threadId === undefined ? {} : {threadId: target.threadId}),
  }
  const sent = {...common, text, ...(reportedSuppressed ? {reportedSuppressed} : {})}

  const flushed = await outbox.flush((entry) => send(entry.chatIds, entry.message), {bot})
  warnings.push(...flushed.warnings)
  const spool = async (chatIds: Array<number | string>, reason: 'unreachable' | 'behind-outbox', error: string) => {
    const attempts = reason === 'behind-outbox' ? 0 : 1
    const entry = await outbox.spool({...common, chatIds, message, createdAt: new Date(now), attempts, lastError: error})
    return {id: entry.id, chatIds, reason, error: entry.lastError ?? error}
  }
  if (flushed.stoppedBy !== undefined) {
    const spooled = await spool([...target.chatIds], 'behind-outbox', flushed.stoppedBy)
    return {status: 'spooled', exitCode: ExitCode.spooled, ...sent, deliveries: [], spooled, flushed, warnings}
  }

  const deliveries = await send(target.chatIds, message)
  const failed = deliveries.filter((delivery) => !delivery.ok)
  const later = failed.filter((delivery) => failureKind(delivery.error!) === 'later')
  if (later.length > 0) {
    const chatIds = later.map((delivery) => delivery.migratedTo ?? delivery.chatId)
    const spooled = await spool(chatIds, 'unreachable', later[0]!.error!.message)
    return {status: 'spooled', exitCode: ExitCode.spooled, ...sent, deliveries, spooled, flushed, warnings}
  }
  if (failed.length === 0) return {status: 'sent', exitCode: ExitCode.ok, ...sent, deliveries, flushed, warnings}
  // Delivered nowhere and never will be: the window goes back, so that the next alert of this key tries again.
  if (failed.length === deliveries.length && decision?.send && decision.ticket) {
    warnings.push(...(await throttle!.store.release(decision.ticket, now)))
  }
  return {status: 'refused', exitCode: ExitCode.telegramRefused, ...sent, deliveries, flushed, warnings}
}
