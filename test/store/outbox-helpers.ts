// What the outbox tests of both backends (the contract suite and the file outbox's own) spool and deliver with.
import type {ChatDelivery} from '../../src/send/deliver.js'
import type {OutboxEntry, OutboxStore} from '../../src/store/index.js'

export function spoolText(outbox: OutboxStore, text: string, at: number, chatIds: Array<number | string> = [1], bot = 'alerts') {
  return outbox.spool({bot, chatIds, message: {text, parseMode: 'HTML'}, createdAt: new Date(at), lastError: 'down'})
}

/** Delivers every chat, recording what went where. */
export function recorder(outcome: (chatId: number | string, entry: OutboxEntry) => ChatDelivery['error'] | undefined = () => undefined) {
  const sent: Array<{text: string; chatId: number | string}> = []
  const deliver = async (entry: OutboxEntry): Promise<ChatDelivery[]> =>
    entry.chatIds.map((chatId) => {
      const error = outcome(chatId, entry)
      if (error) return {chatId, ok: false, messageIds: [], error}
      sent.push({text: entry.message.text, chatId})
      return {chatId, ok: true, messageIds: [sent.length]}
    })
  return {sent, deliver}
}
