import {describeFailure} from '../describe-failure.js'
import {type FailureKind, failureKind} from '../send/failure-kind.js'
import {spooledFileProblem} from './outbox-media.js'
import type {DeliverEntry, FlushedEntry, OutboxEntry} from './outbox-types.js'
import {redact} from '../redact.js'
import type {ChatDelivery} from '../send/deliver.js'

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
): Promise<{flushed: FlushedEntry; kept?: OutboxEntry}> {
  let deliveries: ChatDelivery[]
  try {
    const problem = await spooledFileProblem(entry.message.media)
    // Other bytes than those spooled would not be the message: the entry goes, refused for every chat, loudly.
    if (problem !== undefined) return {flushed: {id: entry.id, bot: entry.bot, delivered: [], refused: entry.chatIds.map((chatId) => ({chatId, error: problem})), pending: []}}
    deliveries = await deliver(entry)
  } catch (error) {
    const failure = describeFailure(error)
    deliveries = entry.chatIds.map((chatId) => ({chatId, ok: false, messageIds: [], error: failure}))
  }
  const results = new Map(deliveries.map((delivery) => [String(delivery.chatId), delivery]))
  const flushed: FlushedEntry = {id: entry.id, bot: entry.bot, delivered: [], refused: [], pending: []}
  for (const chatId of entry.chatIds) {
    const delivery = results.get(String(chatId))
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
  const kept: OutboxEntry = {
    ...entry,
    chatIds: flushed.pending.map((pending) => pending.chatId),
    attempts: entry.attempts + 1,
    lastError: redact(flushed.pending[0]!.error),
  }
  return {flushed, kept}
}

const isRefused = (failure: FailureKind, kind: 'new' | 'waiting') => failure === 'chat-refused' || (kind === 'new' && failure === 'bot-refused')

/**
 * The time a removed entry leaves behind as the last send of its throttle key (its creation, epoch ms), or undefined
 * when it needs no mark. An entry a flush took over may be all that is left of a window its alert's run was killed
 * before committing (see ThrottleStore.admit): removed without a mark, that alert's retry finds neither the window
 * nor the entry, and sends the title again. An entry delivered by the alert that wrote it ('new') had its window
 * committed first; one no chat took reached nobody, and its window goes back as an alert's does.
 */
export function deliveredMark(entry: OutboxEntry, flushed: FlushedEntry, kind: 'new' | 'waiting'): number | undefined {
  if (kind === 'new' || entry.throttleKey === undefined || flushed.delivered.length === 0) return undefined
  return Date.parse(entry.createdAt)
}
