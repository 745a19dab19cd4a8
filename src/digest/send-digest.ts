import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {AlertTarget} from '../alert/alert-target.js'
import {type LinkedChatsSource, targetChats} from '../alert/linked-chats.js'
import {failedOf} from '../describe-failure.js'
import {ExitCode, type ExitCodeValue, worstExitCode} from '../exit-codes.js'
import {deliverOrSpool} from '../outbox/index.js'
import {limiterFor, type TelegramRateLimiter} from '../rate-limit/telegram-limiter.js'
import {type ChatDelivery, deliverToChats} from '../send/deliver.js'
import type {SpooledMessage} from '../store/outbox-types.js'
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
  // One entry for the whole text, split into messages by the sender: a flush sends a chat the parts it lacks, in
  // order, and one flush at a time holds the entry (see OutboxEntry.partsSent). An entry per part could go out of
  // order: entries of one millisecond sort by their random suffix, and two flushes could each take a part.
  const sent = await deliverOrSpool({client, botLabel, chatIds, migrations, message, outbox: options.outbox, limiter})
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
