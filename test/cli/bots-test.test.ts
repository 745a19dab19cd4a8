// `bots test NAME [--message TEXT] [--chat ID] [--thread N]`: what the old API's test endpoint took, checked in what
// the fake Telegram received.
import {describe, expect, it} from 'vitest'

import {ALERTS_BOT, callsOf, DEPLOY_BOT, expectUsageError, ON_CALL, OPS_FORUM, TWO_BOTS, useCliWorld, writeRegistry} from './fixture.js'

const world = useCliWorld()

describe('bots test', () => {
  it('sends a test message to each chat of the bot, in its forum topic', async () => {
    writeRegistry(world.cli, TWO_BOTS)
    const result = await world.run(['bots', 'test', 'alerts'])
    expect(result).toEqual({
      stdout: `test message sent to ${OPS_FORUM.id}: message 1\ntest message sent to 4242: message 1`,
      stderr: '',
      exitCode: 0,
    })
    const sent = callsOf(world.api, 'sendMessage')
    expect(sent.map((request) => [request.token, request.params.chat_id, request.params.message_thread_id])).toEqual([
      [ALERTS_BOT.token, OPS_FORUM.id, 7],
      [ALERTS_BOT.token, ON_CALL.id, 7],
    ])
    for (const request of sent) {
      expect(request.params.text).toMatch(/^✅ fastpay-tg test message from \S+ at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    }
  })

  it('--message, --chat and --thread replace the text, the chats and the topic', async () => {
    writeRegistry(world.cli, TWO_BOTS)
    const result = await world.run(['bots', 'test', 'deploy', '--message', 'deploy bot check', '--chat', String(OPS_FORUM.id), '--thread', '12', '--json'])
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual({deliveries: [{chatId: OPS_FORUM.id, ok: true, messageIds: [1]}]})
    expect(callsOf(world.api, 'sendMessage').map((request) => [request.token, request.params.chat_id, request.params.message_thread_id, request.params.text])).toEqual([
      [DEPLOY_BOT.token, OPS_FORUM.id, 12, 'deploy bot check'],
    ])
  })

  it('--chat overrides the bot’s chats; a refused chat is exit 1', async () => {
    writeRegistry(world.cli, TWO_BOTS)
    world.api.failNext({method: 'sendMessage', kind: {status: 403, description: 'Forbidden: bot was kicked from the supergroup chat'}})
    const result = await world.run(['bots', 'test', 'deploy', '--chat', String(OPS_FORUM.id)])
    expect(result).toEqual({
      stdout: '',
      stderr: `Error: ${OPS_FORUM.id}: Call to 'sendMessage' failed (403: Forbidden: bot was kicked from the supergroup chat): the bot was removed from the chat or blocked`,
      exitCode: 1,
    })
    expect(callsOf(world.api, 'sendMessage').map((request) => request.params.chat_id)).toEqual([OPS_FORUM.id])
  })

  it('bad input: one line naming the flag, exit 2, nothing sent', async () => {
    writeRegistry(world.cli, TWO_BOTS)
    const [emptyMessage, zeroThread, badChat, unknownBot] = await Promise.all([
      world.run(['bots', 'test', 'alerts', '--message', '  ']),
      world.run(['bots', 'test', 'alerts', '--thread', '0']),
      world.run(['bots', 'test', 'alerts', '--chat', 'ops room']),
      world.run(['bots', 'test', 'payments']),
    ])
    expectUsageError(emptyMessage, 'Error: --message: the text is empty')
    expectUsageError(zeroThread, 'Error: Parsing --thread: Expected an integer greater than or equal to 1 but received: 0')
    expectUsageError(badChat, 'Error: --chat: "ops room" is not a chat id (integer or @username)')
    expectUsageError(unknownBot, 'Error: unknown bot "payments": not in ~/config/fastpay-tg/config.yml nor TELEGRAM_BOT_CONFIGS')
    expect(callsOf(world.api, 'sendMessage')).toEqual([])
  })
})
