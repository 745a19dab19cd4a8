// The sorting of an entry's chats that both outbox backends share: a delivery names each chat as the deliverer wrote
// it, which need not be the entry's spelling of the same chat (a username's case, a numeric id as text).
import {describe, expect, it} from 'vitest'

import {deliverEntry, recordChatsDone} from '../../src/store/deliver-entry.js'
import {newOutboxEntry} from '../../src/store/outbox-entry.js'
import type {OutboxEntry} from '../../src/store/outbox-types.js'

const entryFor = (chatIds: Array<number | string>) => newOutboxEntry({bot: 'alerts', chatIds, message: {text: 'disk full', parseMode: 'HTML'}}, Date.parse('2025-06-01T14:02:11Z'))

describe('deliverEntry', () => {
  it('counts a chat delivered under another spelling of its id as delivered: nothing left to send again', async () => {
    const entry = entryFor(['@OpsChannel', -100123])
    const {flushed, kept} = await deliverEntry(entry, async () => [
      {chatId: '@opschannel', ok: true, messageIds: [1]},
      {chatId: '-100123', ok: true, messageIds: [2]},
    ])
    expect(flushed).toEqual({id: entry.id, bot: 'alerts', delivered: ['@OpsChannel', -100123], refused: [], pending: []})
    expect(kept).toBeUndefined()
  })
})

describe('recordChatsDone', () => {
  it('takes a chat accepted under another spelling of its id off the stored entry', async () => {
    const saved: OutboxEntry[] = []
    const recorder = recordChatsDone(entryFor(['@OpsChannel', -100123, 42]), async (entry) => saved.push(entry))
    recorder.chatDone({chatId: '-100123', ok: true, messageIds: [1]})
    recorder.chatDone({chatId: '@opschannel', ok: true, messageIds: [2]})
    await recorder.settled()
    expect(saved.map((entry) => entry.chatIds)).toEqual([['@OpsChannel', 42], [42]])
  })
})
