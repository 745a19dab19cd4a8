import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {AlertTarget} from '../alert/alert-target.js'
import {type LinkedChatsSource, targetChats} from '../alert/linked-chats.js'
import {describeFailure, failedOf} from '../describe-failure.js'
import {ExitCode, type ExitCodeValue, worstExitCode} from '../exit-codes.js'
import {splitMessage} from '../format/index.js'
import {type DeliverOrSpoolOptions, type DeliverOrSpoolResult, deliverOrSpool} from '../outbox/index.js'
import {limiterFor, type TelegramRateLimiter} from '../rate-limit/telegram-limiter.js'
import {type ChatDelivery, deliverToChats} from '../send/deliver.js'
import type {HeldEntry, SpooledMessage} from '../store/outbox-types.js'
import type {OutboxStore, ThrottleStore} from '../store/types.js'
import {channelKey} from '../support/channel-key.js'

/**
 * The throttle key of a digest: one per channel and period as given (`--since 24h`), so that two cron hosts or a
 * retried job send one digest, while a daily and a weekly digest of one channel never hold each other back.
 */
export function digestThrottleKey(channel: string, since: string): string {
  return `digest:${channelKey(channel)}:${since.trim()}`
}

export interface SendDigestOptions {
  target: AlertTarget
  /** The digest (parse mode HTML); split on line boundaries when longer than a message. */
  text: string
  /** Sent after the text, with the caption as its legend. */
  chart?: {png: Buffer; caption: string}
  /** Where the text goes for chats Telegram cannot take it now (the chart is not spooled). */
  outbox: Pick<OutboxStore, 'hold' | 'deliverHeld'>
  /** One digest per key per window (the store alerts use, files or Redis). @default sent whatever came before */
  throttle?: {store: ThrottleStore; key: string; windowSeconds: number}
  /** Where the chats linked to the target's channel are read, once the throttle lets the digest through. @default none */
  links?: LinkedChatsSource
  /** Epoch ms, the throttle's clock. @default Date.now() */
  now?: number
}

export interface DigestDelivery {
  deliveries: ChatDelivery[]
  chart?: ChatDelivery[]
  /** Chats the text waits in the outbox for. */
  spooled?: {id: string; chatIds: Array<number | string>}
  /** Set when the throttle held the digest back (nothing was sent): a digest of this key went out within the window. */
  suppressed?: {key: string; count: number; nextAt: Date}
  /** 0 every chat has it (or suppressed); 75 spooled for some; otherwise the worst chart or refusal code (1 refused, 3 unreachable). */
  exitCode: ExitCodeValue
  warnings: string[]
}

/** Sends the digest text to every chat (spooling it where Telegram cannot take it now), then the chart photo. */
export async function sendDigest(options: SendDigestOptions): Promise<DigestDelivery> {
  const {target, throttle} = options
  const now = options.now ?? Date.now()
  const decision = throttle ? await throttle.store.decide(throttle.key, throttle.windowSeconds, now) : undefined
  const warnings = [...(decision?.warnings ?? [])]
  if (decision?.send === false) {
    const suppressed = {key: throttle!.key, count: decision.suppressedCount, nextAt: decision.nextAt}
    return {deliveries: [], suppressed, exitCode: ExitCode.ok, warnings}
  }
  const limiter = limiterFor(target.client)
  const message: SpooledMessage = {
    text: options.text,
    parseMode: 'HTML',
    noPreview: true,
    ...(target.threadId === undefined ? {} : {threadId: target.threadId}),
  }
  const {client, botLabel, migrations} = target
  const {chatIds, warnings: linkWarnings} = await targetChats(target, options.links)
  warnings.push(...linkWarnings)
  const sent = await deliverParts({client, botLabel, chatIds, migrations, message, outbox: options.outbox, limiter})
  const {deliveries, spooled} = sent
  if (sent.outboxProblem) warnings.push(`the outbox cannot keep the digest: ${sent.outboxProblem}`)
  let chart: ChatDelivery[] | undefined
  if (options.chart) {
    const delivered = deliveries.filter((delivery) => delivery.ok).map((delivery) => delivery.migratedTo ?? delivery.chatId)
    chart = await sendChart(target, delivered, options.chart, limiter)
  }
  const failures = [...sent.failed, ...failedOf(chart ?? [])]
  const exitCode = worstExitCode([...failures.map((delivery) => delivery.error.exitCode), ...(spooled ? [ExitCode.spooled] : [])])
  // Reached no chat and waits for none: the window goes back, so that the next run tries again. A spooled digest
  // keeps it: it is on its way, and another would be a duplicate.
  if (decision?.ticket && !spooled && deliveries.every((delivery) => !delivery.ok)) {
    warnings.push(...(await throttle!.store.release(decision.ticket, now)))
  }
  return {deliveries, ...(chart ? {chart} : {}), ...(spooled ? {spooled} : {}), exitCode, warnings}
}

type PartsOptions = Omit<DeliverOrSpoolOptions, 'outbox'> & {outbox: SendDigestOptions['outbox']}
interface PartsResult {
  deliveries: ChatDelivery[]
  failed: DeliverOrSpoolResult['failed']
  spooled?: {id: string; chatIds: Array<number | string>}
  outboxProblem?: string
}

/**
 * Sends a long digest part by part, each its own outbox entry, all written ahead before the first is sent (a run
 * killed half-way leaves every part it had not delivered to the next flush). A chat Telegram stops answering
 * half-way waits for the parts it has not had, in order (a flush goes oldest first and stops at the first failure
 * that may pass), and gets no part twice: spooled whole, the text would give it again the parts it had. One result
 * per chat, as one delivery: ok once it had every part.
 */
async function deliverParts(options: PartsOptions): Promise<PartsResult> {
  const {outbox, botLabel, chatIds} = options
  const messages = splitMessage(options.message.text, {parseMode: 'HTML'}).map((text) => ({...options.message, text}))
  const held: HeldEntry[] = []
  let cannotSpool: string | undefined
  try {
    for (const message of messages) held.push(await outbox.hold({bot: botLabel, chatIds, message}))
  } catch (error) {
    // Fail open, as deliverOrSpool does: the parts not written ahead are still sent now, without the outbox.
    cannotSpool = describeFailure(error).message
  }
  const byChat = new Map<number | string, ChatDelivery>()
  const failed: DeliverOrSpoolResult['failed'] = []
  let waiting: Array<number | string> = []
  let firstId: string | undefined
  let outboxProblem: string | undefined
  for (const [index, message] of messages.entries()) {
    const entry = held[index]
    const sent = await deliverOrSpool({...options, message, ...(entry ? {held: entry, notNow: waiting} : {cannotSpool: cannotSpool!})})
    outboxProblem ??= sent.outboxProblem
    failed.push(...sent.failed)
    for (const delivery of sent.deliveries) {
      byChat.set(delivery.chatId, {...delivery, messageIds: [...(byChat.get(delivery.chatId)?.messageIds ?? []), ...delivery.messageIds]})
    }
    // The entry keeps the chats that wait for an earlier part; those that lacked this one now join them.
    if (sent.spooled) {
      firstId ??= sent.spooled.id
      waiting = sent.spooled.chatIds
    }
    if (!entry) waiting = []
  }
  const spooled = firstId === undefined ? undefined : {id: firstId, chatIds: waiting}
  return {deliveries: [...byChat.values()], failed, ...(spooled ? {spooled} : {}), ...(outboxProblem === undefined ? {} : {outboxProblem})}
}

async function sendChart(
  target: AlertTarget,
  chatIds: Array<number | string>,
  chart: {png: Buffer; caption: string},
  limiter: TelegramRateLimiter,
): Promise<ChatDelivery[]> {
  if (chatIds.length === 0) return []
  const dir = await mkdtemp(join(tmpdir(), 'fastpay-tg-digest-'))
  try {
    const path = join(dir, 'digest.png')
    await writeFile(path, chart.png)
    return await deliverToChats(
      target.client,
      chatIds,
      {
        text: chart.caption,
        media: {kind: 'photo', source: {path, filename: 'digest.png'}},
        ...(target.threadId === undefined ? {} : {threadId: target.threadId}),
      },
      {limiter, migrations: target.migrations},
    )
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}
