import type {InlineKeyboardMarkup} from '@grammyjs/types'

import {ExitCode, type ExitCodeValue} from '../exit-codes.js'
import {limiterFor, type TelegramRateLimiter} from '../rate-limit/telegram-limiter.js'
import {redact} from '../redact.js'
import {type ChatDelivery, type DeliverOptions, deliverToChats, type PartSent, tellEach} from '../send/deliver.js'
import {failureKind} from '../send/failure-kind.js'
import {ChatMigrations} from '../send/migrations.js'
import type {DeliverEntry, FlushReport, HeldEntry, SpooledMessage} from '../store/outbox-types.js'
import type {OutboxStore, ThrottleStore} from '../store/types.js'
import {channelKey} from '../support/channel-key.js'
import {StateDirError} from '../support/state-dir.js'
import type {Admission} from '../throttle/index.js'
import type {AlertTarget} from './alert-target.js'
import {type LinkedChatsSource, targetChats} from './linked-chats.js'
import {type AlertContent, renderAlert} from './render-alert.js'
import {type AlertTemplate, renderTemplate} from './template.js'

/** `TELEGRAM_ALERT_THROTTLE_SECONDS` when unset. */
export const DEFAULT_THROTTLE_SECONDS = 60

/** `--throttle-key` when not given: the same title on the same channel (in any case) is the same alert. */
export function defaultThrottleKey(channel: string, title: string): string {
  // Bot names cannot hold a colon, so no two (channel, title) pairs share a key.
  return `${channelKey(channel)}:${title}`
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
  /** Where the chats linked to the target's channel are read, once the throttle lets the alert through. @default none */
  links?: LinkedChatsSource
  /**
   * Where the alert is written ahead of its first send. Undefined when the state dir cannot be written: the alert
   * then goes out without throttle or outbox (fail open), and says so.
   */
  outbox: OutboxStore | undefined
  /** Share one per bot between everything a process sends. @default a new limiter */
  limiter?: TelegramRateLimiter
  /** Sends without sound. @default false */
  silent?: boolean
  /** Buttons under the alert (Acknowledge, Mute); kept when the alert is spooled. @default none */
  replyMarkup?: InlineKeyboardMarkup
  /** Epoch ms: the throttle's clock, and the alert's time unless `content.time` is given. @default Date.now() */
  now?: number
  /** Told as each chat of this alert (not of the outbox flushed first) is done: see DeliverOptions. */
  onChatDone?: DeliverOptions['onChatDone']
}

export type SendAlertStatus = 'sent' | 'suppressed' | 'spooled' | 'refused' | 'unsent'

/** How many older entries of its bot a new alert lets go first: it never waits behind more. */
export const HEAD_OF_LINE_SLICE = 10

export interface SendAlertResult {
  /**
   * `sent`: every chat has it. `suppressed`: the throttle held it back. `spooled`: some chats could not get it now,
   * it waits in the outbox for them. `refused`: Telegram refused it for some chat, and no chat waits for it.
   * `unsent`: sent without a state dir (fail open), some chat could not get it, and nothing keeps it.
   */
  status: SendAlertStatus
  /** 0 sent and suppressed, 1 refused, 3 unsent, 75 spooled (ExitCode). */
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
   * left to wait behind them without trying (it would fail the same way, and must not overtake them).
   */
  spooled?: {id: string; chatIds: Array<number | string>; reason: 'unreachable' | 'behind-outbox'; error: string}
  /** The outbox flushes that ran: first at most HEAD_OF_LINE_SLICE older entries, the rest after this alert. */
  flushed: FlushReport
  warnings: string[]
}

/**
 * Sends one alert, write-ahead: the throttle decides, and an alert it lets through is written to the outbox
 * (durably, held by this run) before its window is committed and before its first send; see ThrottleStore.admit.
 * Then at most HEAD_OF_LINE_SLICE older entries of this bot go first (oldest first), then the alert itself to every
 * chat within Telegram's limits, then the rest of the outbox. Chats that cannot get it now (network down, 5xx, a
 * 429 longer than the client waits) keep the entry for a later flush; chats Telegram refused (blocked, not found,
 * wrong token) are reported and taken off: asking again would not help. Killed at any point after the entry was
 * written, the next `alert` or `alert flush` delivers it. Without a writable state dir it fails open: sent without
 * throttle or outbox, with one warning.
 */
export async function sendAlert(options: SendAlertOptions): Promise<SendAlertResult> {
  const {target, outbox, throttle} = options
  const now = options.now ?? Date.now()
  const bot = target.botLabel
  const limiter = options.limiter ?? limiterFor(target.client)
  const migrations = target.migrations ?? new ChatMigrations()
  const send = (chatIds: ReadonlyArray<number | string>, message: SpooledMessage, onChatDone?: DeliverOptions['onChatDone'], onPartSent?: PartSent) =>
    deliverToChats(target.client, chatIds, message, {limiter, migrations, ...(onChatDone ? {onChatDone} : {}), ...(onPartSent ? {onPartSent} : {})})
  const sendEntry: DeliverEntry = (entry, chatDone, partSent) => send(entry.chatIds, entry.message, chatDone, partSent)
  const common = {bot, ...(throttle ? {throttleKey: throttle.key} : {})}
  const render = (reportedSuppressed?: {count: number; since: Date}) => renderMessage(options, now, reportedSuppressed)

  // Read only for an alert that goes out: a suppressed one never touches the store's links.
  const linkWarnings: string[] = []
  const resolveChatIds = async () => {
    const chats = await targetChats(target, options.links)
    linkWarnings.push(...chats.warnings)
    return chats.chatIds
  }

  const withoutState = async (warnings: string[]) => {
    const rendered = render()
    const chats = await resolveChatIds()
    return sendWithoutState(common, rendered, send(chats, rendered.message, options.onChatDone), [...warnings, ...linkWarnings])
  }
  if (outbox === undefined) return withoutState([])
  let admission: Admission<HeldEntry>
  try {
    admission = await admit(options, outbox, now, render, resolveChatIds)
  } catch (error) {
    // A full or read-only disk must not keep a "disk full" alert from going out.
    if (!(error instanceof StateDirError)) throw error
    const warning = `state dir ${JSON.stringify(error.dir)} not writable (${error.code}): alert sent without throttle or outbox`
    return withoutState([warning])
  }

  const warnings = [...admission.decision.warnings, ...linkWarnings]
  if (!admission.admitted) {
    const flushed = await outbox.flush(sendEntry, {bot})
    const {suppressedCount: count, since, nextAt, mutedUntil} = admission.decision
    const suppressed = {count, since, nextAt, ...(mutedUntil ? {mutedUntil} : {})}
    const result = {...common, deliveries: [], suppressed, flushed, warnings: [...warnings, ...flushed.warnings]}
    return {status: 'suppressed', exitCode: ExitCode.ok, ...result}
  }

  const held = admission.recorded
  const reportedSuppressed = admission.decision.suppressed
  const sent = {...common, text: held.entry.message.text, ...(reportedSuppressed ? {reportedSuppressed} : {})}
  const flushed = await outbox.flush(sendEntry, {bot, limit: HEAD_OF_LINE_SLICE})
  warnings.push(...flushed.warnings)
  if (flushed.stoppedBy !== undefined) {
    await outbox.releaseHeld(held, flushed.stoppedBy)
    const spooled = {id: held.entry.id, chatIds: held.entry.chatIds, reason: 'behind-outbox' as const, error: redact(flushed.stoppedBy)}
    return {status: 'spooled', exitCode: ExitCode.spooled, ...sent, deliveries: [], spooled, flushed, warnings}
  }

  let deliveries: ChatDelivery[] = []
  const delivered = await outbox.deliverHeld(held, async (entry, chatDone, partSent) => {
    deliveries = await send(entry.chatIds, entry.message, tellEach(chatDone, options.onChatDone), partSent)
    return deliveries
  })
  // The slice's count included this alert's entry, which waits no more once no chat waits for it.
  if (delivered.pending.length === 0) flushed.waiting = Math.max(0, flushed.waiting - 1)
  if (flushed.entries.length >= HEAD_OF_LINE_SLICE) {
    const rest = await outbox.flush(sendEntry, {bot})
    warnings.push(...rest.warnings)
    Object.assign(flushed, {entries: [...flushed.entries, ...rest.entries], waiting: rest.waiting, stoppedBy: rest.stoppedBy})
    if (rest.stoppedBy === undefined) delete flushed.stoppedBy
  }
  if (delivered.pending.length > 0) {
    const chatIds = delivered.pending.map((pending) => pending.chatId)
    const spooled = {id: delivered.id, chatIds, reason: 'unreachable' as const, error: redact(delivered.pending[0]!.error)}
    return {status: 'spooled', exitCode: ExitCode.spooled, ...sent, deliveries, spooled, flushed, warnings}
  }
  if (delivered.refused.length === 0) return {status: 'sent', exitCode: ExitCode.ok, ...sent, deliveries, flushed, warnings}
  // Delivered nowhere and never will be: the window goes back, so that the next alert of this key tries again.
  const {ticket} = admission.decision
  if (delivered.delivered.length === 0 && ticket) warnings.push(...(await throttle!.store.release(ticket, now)))
  return {status: 'refused', exitCode: ExitCode.telegramRefused, ...sent, deliveries, flushed, warnings}
}

interface Rendered {
  text: string
  message: SpooledMessage
}

/** The throttle's decision and, when it lets the alert through, its outbox entry: held by this run, written first. */
async function admit(
  options: SendAlertOptions,
  outbox: OutboxStore,
  now: number,
  render: (reportedSuppressed?: {count: number; since: Date}) => Rendered,
  resolveChatIds: () => Promise<Array<number | string>>,
): Promise<Admission<HeldEntry>> {
  const {target, throttle} = options
  const hold = async (reportedSuppressed?: {count: number; since: Date}) =>
    outbox.hold({
      bot: target.botLabel,
      chatIds: await resolveChatIds(),
      message: render(reportedSuppressed).message,
      ...(throttle ? {throttleKey: throttle.key} : {}),
      createdAt: new Date(now),
    })
  if (throttle === undefined) return {admitted: true, decision: {send: true, warnings: []}, recorded: await hold()}
  return throttle.store.admit(throttle.key, throttle.windowSeconds, now, {
    pendingSince: (sinceMs) => outbox.pendingSince(target.botLabel, throttle.key, sinceMs),
    record: (decision) => hold(decision.suppressed),
  })
}

function renderMessage(options: SendAlertOptions, now: number, reportedSuppressed?: {count: number; since: Date}): Rendered {
  const {target} = options
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
    plainFallback: true,
    ...(options.silent ? {silent: true} : {}),
    ...(options.replyMarkup ? {replyMarkup: options.replyMarkup} : {}),
    ...(target.threadId === undefined ? {} : {threadId: target.threadId}),
  }
  return {text, message}
}

/** Fail open: the alert goes out without throttle or outbox; what did not reach a chat is lost, and said so. */
async function sendWithoutState(
  common: {bot: string; throttleKey?: string},
  rendered: Rendered,
  sending: Promise<ChatDelivery[]>,
  warnings: string[],
): Promise<SendAlertResult> {
  const deliveries = await sending
  const flushed: FlushReport = {entries: [], waiting: 0, warnings: []}
  const result = {...common, text: rendered.text, deliveries, flushed, warnings}
  if (deliveries.every((delivery) => delivery.ok)) return {status: 'sent', exitCode: ExitCode.ok, ...result}
  const unreachable = deliveries.some((delivery) => !delivery.ok && failureKind(delivery.error) === 'later')
  return unreachable ? {status: 'unsent', exitCode: ExitCode.unreachable, ...result} : {status: 'refused', exitCode: ExitCode.telegramRefused, ...result}
}
