import {sameChatId} from '../config/chat-id.js'
import {describeFailure} from '../describe-failure.js'
import {type FailureKind, failureKind} from '../send/failure-kind.js'
import {spooledFileProblem} from './outbox-media.js'
import type {DeliverEntry, FlushedEntry, OutboxEntry} from './outbox-types.js'
import {redact} from '../redact.js'
import type {ChatDelivery, PartSent} from '../send/deliver.js'

/**
 * Delivers one outbox entry and sorts its chats, for every outbox backend: accepted, refused for good (taken off the
 * entry), or still waiting. `kept` is the entry as it must stay for the waiting chats; undefined when none waits.
 */
export async function deliverEntry(
  entry: OutboxEntry,
  deliver: DeliverEntry,
  /**
   * `new`: the entry was written ahead by the alert delivering it now, whose run reports a refused bot (wrong token)
   * as refused: nothing waits for a token to be fixed. `waiting`: a refused bot keeps the entry until it is fixed.
   * @default 'waiting'
   */
  kind: 'new' | 'waiting' = 'waiting',
  /** Told of each chat's delivery as it ends: see DeliverEntry. @default nothing */
  chatDone: (delivery: ChatDelivery) => void = () => undefined,
  /** Told of each part a chat of several had: see DeliverEntry. @default nothing */
  partSent: PartSent = () => undefined,
): Promise<{flushed: FlushedEntry; kept?: OutboxEntry}> {
  let deliveries: ChatDelivery[]
  try {
    const problem = await spooledFileProblem(entry.message.media)
    // Other bytes than those spooled would not be the message: the entry goes, refused for every chat, loudly.
    if (problem !== undefined) return {flushed: {id: entry.id, bot: entry.bot, delivered: [], refused: entry.chatIds.map((chatId) => ({chatId, error: problem})), pending: []}}
    deliveries = await deliverByProgress(entry, deliver, chatDone, partSent)
  } catch (error) {
    const failure = describeFailure(error)
    deliveries = entry.chatIds.map((chatId) => ({chatId, ok: false, messageIds: [], error: failure}))
  }
  const flushed: FlushedEntry = {id: entry.id, bot: entry.bot, delivered: [], refused: [], pending: []}
  for (const chatId of entry.chatIds) {
    // The deliverer may spell a chat otherwise (`@Name` for `@name`): a chat taken for missing would go out again.
    const delivery = deliveries.find((candidate) => sameChatId(candidate.chatId, chatId))
    if (delivery?.ok) flushed.delivered.push(chatId)
    else if (delivery?.error && isRefused(failureKind(delivery.error), kind)) {
      flushed.refused.push({chatId, error: delivery.error.message})
    } else {
      // A group upgraded on the way is addressed by its new id from now on.
      const error = delivery?.error?.message ?? 'no delivery result for this chat'
      flushed.pending.push({chatId: delivery?.migratedTo ?? chatId, error})
    }
  }
  if (flushed.pending.length === 0) return {flushed}
  const {partsSent: _before, ...rest} = entry
  const partsSent = partsSentAfter(entry, flushed.pending, deliveries)
  const kept: OutboxEntry = {
    ...rest,
    chatIds: flushed.pending.map((pending) => pending.chatId),
    attempts: entry.attempts + 1,
    lastError: redact(flushed.pending[0]!.error),
    ...(partsSent ? {partsSent} : {}),
  }
  return {flushed, kept}
}

const partsOf = (entry: OutboxEntry, chatId: number | string) => entry.partsSent?.[String(chatId)] ?? 0

/**
 * Sends each chat the parts it lacks: chats that had the same number of parts go together (most often all of them,
 * in one call), fewest first.
 */
async function deliverByProgress(
  entry: OutboxEntry,
  deliver: DeliverEntry,
  chatDone: (delivery: ChatDelivery) => void,
  partSent: PartSent,
): Promise<ChatDelivery[]> {
  const groups = new Map<number, Array<number | string>>()
  for (const chatId of entry.chatIds) groups.set(partsOf(entry, chatId), [...(groups.get(partsOf(entry, chatId)) ?? []), chatId])
  if (groups.size === 1 && groups.has(0)) return deliver(entry, chatDone, partSent)
  const deliveries: ChatDelivery[] = []
  for (const [skipParts, chatIds] of [...groups].sort(([a], [b]) => a - b)) {
    // Counted from the parts the chats had before this attempt.
    const counted: PartSent = (chatId, sent) => partSent(chatId, skipParts + sent)
    deliveries.push(...(await deliver({...entry, chatIds, message: {...entry.message, skipParts}}, chatDone, counted)))
  }
  return deliveries
}

/** The parts each waiting chat has once this attempt is over: a chat cut off half-way must not get them twice. */
function partsSentAfter(entry: OutboxEntry, pending: FlushedEntry['pending'], deliveries: ChatDelivery[]): Record<string, number> | undefined {
  const partsSent: Record<string, number> = {}
  for (const waiting of pending) {
    const delivery = deliveries.find((candidate) => sameChatId(candidate.migratedTo ?? candidate.chatId, waiting.chatId) || sameChatId(candidate.chatId, waiting.chatId))
    const had = delivery ? partsOf(entry, delivery.chatId) + delivery.messageIds.length : partsOf(entry, waiting.chatId)
    if (had > 0) partsSent[String(waiting.chatId)] = had
  }
  return Object.keys(partsSent).length > 0 ? partsSent : undefined
}

const isRefused = (failure: FailureKind, kind: 'new' | 'waiting') => failure === 'chat-refused' || (kind === 'new' && failure === 'bot-refused')

/**
 * What a removed entry leaves behind as the last send of its throttle key (its creation, epoch ms), or undefined
 * when it needs no mark. An entry a flush took over may be all that is left of a window its alert's run was killed
 * before committing (see ThrottleStore.admit): removed without a mark, that alert's retry finds neither the window
 * nor the entry, and sends the title again. An entry delivered by the alert that wrote it ('new') had its window
 * committed first; one no chat took reached nobody, and its window goes back as an alert's does.
 */
export function deliveredMark(entry: OutboxEntry, flushed: FlushedEntry, kind: 'new' | 'waiting'): {throttleKey: string; at: number} | undefined {
  if (kind === 'new' || entry.throttleKey === undefined || flushed.delivered.length === 0) return undefined
  return {throttleKey: entry.throttleKey, at: Date.parse(entry.createdAt)}
}

/** What `recordChatsDone` gives a backend: the `chatDone` to pass on, and the wait for its writes. */
export interface ChatsDoneRecorder {
  chatDone: (delivery: ChatDelivery) => void
  /** Records the parts a chat of several has had so far (OutboxEntry.partsSent): see DeliverOptions.onPartSent. */
  partSent: PartSent
  /** Resolves once every write has ended: the backend finishes the entry (removes or rewrites it) only after. */
  settled: () => Promise<void>
}

/**
 * Takes each chat Telegram accepted off the stored entry as its delivery ends, one `save` (the backend's rewrite of
 * the entry it holds) at a time, in order. The last chat is left to the entry's finish, which removes it. A save
 * that fails only leaves its chat in the entry, as before this run (a run killed later sends it there again): it
 * must not fail a delivery Telegram accepted.
 */
export function recordChatsDone(entry: OutboxEntry, save: (entry: OutboxEntry) => Promise<unknown>): ChatsDoneRecorder {
  let current = entry
  let saving: Promise<unknown> = Promise.resolve()
  const write = (next: OutboxEntry) => {
    current = next
    saving = saving.then(() => save(next)).catch(() => undefined)
    return saving
  }
  return {
    chatDone: (delivery) => {
      if (!delivery.ok) return
      const chatIds = current.chatIds.filter((chatId) => !sameChatId(chatId, delivery.chatId))
      if (chatIds.length === current.chatIds.length || chatIds.length === 0) return
      const {[String(delivery.chatId)]: _done, ...partsSent} = current.partsSent ?? {}
      const {partsSent: _before, ...rest} = current
      write({...rest, chatIds, ...(Object.keys(partsSent).length > 0 ? {partsSent} : {})})
    },
    partSent: (chatId, sent) => write({...current, partsSent: {...current.partsSent, [String(chatId)]: sent}}),
    settled: async () => {
      await saving
    },
  }
}
