import {basename} from 'node:path'

import type {BotApiClient} from '../api/index.js'
import {sameChatId} from '../config/chat-id.js'
import {describeFailure, failedOf} from '../describe-failure.js'
import {ExitCode, type ExitCodeValue, worstExitCode} from '../exit-codes.js'
import type {TelegramRateLimiter} from '../rate-limit/telegram-limiter.js'
import {type ChatDelivery, type DeliverOptions, deliverToChats, type PartSent, tellEach} from '../send/deliver.js'
import type {ChatMigrations} from '../send/migrations.js'
import type {OutgoingMessage} from '../send/outgoing-message.js'
import {redact} from '../redact.js'
import type {HeldEntry, OutboxEntry, SpooledMedia, SpooledMessage} from '../store/outbox-types.js'
import type {OutboxStore} from '../store/types.js'
import {copyIntoOutbox, type OutboxFileCopy, removeStrayCopies} from './spooled-file.js'

export interface DeliverOrSpoolOptions {
  client: BotApiClient
  /** Stored in the entry so that a flush finds the bot again (`botLabelOf`): a name or a layer, never the token. */
  botLabel: string
  chatIds: ReadonlyArray<number | string>
  message: SpooledMessage
  /** Any outbox backend (files, Redis). */
  outbox: Pick<OutboxStore, 'hold' | 'deliverHeld'>
  /** @default the client's process-wide limiter */
  limiter?: TelegramRateLimiter
  migrations?: ChatMigrations
  /** Called just before the entry is written (what it refers to must outlive the process from then on). */
  beforeSpool?: () => void
  /** Called when no entry could be written: what `beforeSpool` kept for it can go. */
  notSpooled?: () => void
  /** Why the outbox cannot keep this message (its file could not be copied): chats Telegram cannot take it for now fail. */
  cannotSpool?: string
  /** Told as each chat is done: see DeliverOptions. */
  onChatDone?: DeliverOptions['onChatDone']
}

export interface DeliverOrSpoolResult {
  /** One per chat, for this run's attempt. */
  deliveries: ChatDelivery[]
  /** The chats Telegram could not take it for now: the entry that waits for them, delivered once by a flush. */
  spooled?: {id: string; chatIds: Array<number | string>; error: string}
  /** The failed deliveries nothing waits for: refused for good, or any, when the outbox could not keep the message. */
  failed: Array<Extract<ChatDelivery, {ok: false}>>
  /**
   * Why the outbox could not keep the message (a state dir that cannot be written, a full disk): what could be sent
   * was sent anyway, and the chats that would have waited are in `failed`.
   */
  outboxProblem?: string
  /** 0 every chat has it; otherwise the worst refusal (1), else 75 when it waits in the outbox. */
  exitCode: ExitCodeValue
}

/**
 * Sends to every chat now, write-ahead as an alert is: the message is first written to the outbox, held by this run
 * (see OutboxStore.hold), and each chat Telegram accepts is taken off it as it goes. The chats Telegram cannot take
 * it for now (network down, 5xx, a 429 longer than the client waits) keep the entry, delivered by `alert flush`; a
 * run killed at any point after the write leaves it to the next flush, for the chats not yet answered. Refusals that
 * asking again cannot fix (blocked, chat not found, wrong token) are results, taken off the entry, and outrank the
 * spool in the exit code: they need someone. An outbox that cannot be written does not stop the message (fail open).
 */
export async function deliverOrSpool(options: DeliverOrSpoolOptions): Promise<DeliverOrSpoolResult> {
  const {message} = options
  const send = (chatIds: ReadonlyArray<number | string>, chatDone?: DeliverOptions['onChatDone'], what: SpooledMessage = message, partSent?: PartSent) =>
    deliverToChats(options.client, chatIds, what, {
      ...(partSent ? {onPartSent: partSent} : {}),
      ...(options.limiter ? {limiter: options.limiter} : {}),
      ...(options.migrations ? {migrations: options.migrations} : {}),
      ...(chatDone ? {onChatDone: chatDone} : {}),
    })
  let outboxProblem = options.cannotSpool
  let held: HeldEntry | undefined
  if (outboxProblem === undefined) {
    options.beforeSpool?.()
    try {
      held = await options.outbox.hold({bot: options.botLabel, chatIds: options.chatIds, message})
    } catch (holdError) {
      outboxProblem = describeFailure(holdError).message
    }
  }
  if (held === undefined) {
    // Fail open: what Telegram takes now is sent; the chats that would have waited are failures, said so. The copy
    // kept for the entry goes only after: a document's message is read from it.
    const deliveries = await send(options.chatIds, options.onChatDone).finally(() => options.notSpooled?.())
    return finished(deliveries, undefined, outboxProblem)
  }
  let deliveries: ChatDelivery[] = []
  try {
    const flushed = await options.outbox.deliverHeld(held, async (entry, chatDone, partSent) => {
      // The entry's message: it says which parts the chats already have (see OutboxEntry.partsSent).
      deliveries = await send(entry.chatIds, tellEach(chatDone, options.onChatDone), entry.message, partSent)
      return deliveries
    })
    if (flushed.pending.length === 0) return finished(deliveries)
    const chatIds = flushed.pending.map((pending) => pending.chatId)
    // The entry's id as it waits now: a fallback store that lost Redis mid-send keeps it on this host under another.
    return finished(deliveries, {id: flushed.id, chatIds, error: redact(flushed.pending[0]!.error)})
  } catch (error) {
    // Sent, but the outbox failed to record it: the entry may still wait for a flush, which the failures here ignore.
    return finished(deliveries, undefined, describeFailure(error).message)
  }
}

function finished(deliveries: ChatDelivery[], spooled?: DeliverOrSpoolResult['spooled'], outboxProblem?: string): DeliverOrSpoolResult {
  // A group upgraded on the way waits under its new id.
  const waiting = spooled?.chatIds ?? []
  const failed = failedOf(deliveries).filter((delivery) => !waiting.some((chatId) => sameChatId(chatId, delivery.migratedTo ?? delivery.chatId)))
  return {
    deliveries,
    ...(spooled ? {spooled} : {}),
    failed,
    ...(outboxProblem === undefined ? {} : {outboxProblem}),
    exitCode: worstExitCode([...failed.map((delivery) => delivery.error.exitCode), ...(spooled ? [ExitCode.spooled] : [])]),
  }
}

export interface SendWithOutboxOptions extends Omit<DeliverOrSpoolOptions, 'message' | 'outbox' | 'beforeSpool' | 'notSpooled'> {
  message: OutgoingMessage
  /** Any outbox backend; `list` tells which copies in `outboxDir` entries still refer to. */
  outbox: Pick<OutboxStore, 'hold' | 'deliverHeld'> & {list(): Promise<{items: ReadonlyArray<{entry: OutboxEntry}>}>}
  /** The file outbox's directory (`outboxDirIn(stateDir)`): a local file is copied into its `files/` first. */
  outboxDir: string
}

/**
 * `send --outbox`: like `deliverOrSpool`, for any message `send` builds. A local file (a path, or stdin's temporary
 * copy) is first copied into the outbox (`<state>/outbox/files/<id>`, 0600, fsync'd): every chat, every retry and a
 * later flush read those bytes, checked by size and hash. The copy stays only when an entry refers to it, and goes
 * with the entry once delivered; a URL is spooled as a URL.
 */
export async function sendWithOutbox(options: SendWithOutboxOptions): Promise<DeliverOrSpoolResult> {
  const {message, outboxDir, ...rest} = options
  const source = message.media?.source
  if (source && 'path' in source) {
    // Only runs that copy files leave copies behind, so they are the ones that tidy up; as they can: a state dir in
    // trouble is told by the copy below.
    await options.outbox
      .list()
      .then(({items}) => removeStrayCopies(outboxDir, items.map((item) => item.entry)))
      .catch(() => undefined)
  }
  let copy: OutboxFileCopy | undefined
  let media: SpooledMedia | undefined
  let cannotSpool: string | undefined
  if (message.media && source) {
    const {kind} = message.media
    if ('path' in source) {
      const filename = source.filename ?? basename(source.path)
      try {
        copy = await copyIntoOutbox(outboxDir, source.path)
        media = {kind, source: {path: copy.path, filename}, size: copy.size, sha256: copy.sha256}
      } catch (error) {
        // Fail open: the message still goes out now from the file as given; only the waiting is lost.
        cannotSpool = `the outbox cannot keep a copy of "${filename}": ${describeFailure(error).message}`
        media = {kind, source: {path: source.path, filename}}
      }
    } else if ('url' in source) {
      media = {kind, source: {url: source.url}}
    } else {
      throw new TypeError('sendWithOutbox: only a file path or a URL can wait in the outbox; spool a stream first (openInputFile)')
    }
  }
  const {media: _media, text, ...fields} = message
  try {
    return await deliverOrSpool({
      ...rest,
      message: {...fields, text: text ?? '', ...(media ? {media} : {})},
      // Kept before the entry is written, so that a signal between the two cannot take the file from a written entry;
      // once written, the entry's removal takes its copy with it.
      beforeSpool: () => copy?.keep(),
      notSpooled: () => copy?.remove(),
      ...(cannotSpool === undefined ? {} : {cannotSpool}),
    })
  } catch (error) {
    // Thrown before any entry was written (the outbox's own failures are results).
    copy?.remove()
    throw error
  }
}
