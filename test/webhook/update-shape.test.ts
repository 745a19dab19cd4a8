// Forged updates (they need the secret) whose text or callback data is not a string: before, each got its 200 and then
// failed in the queue as "update 1 for bot 1 failed: t.startsWith is not a function", JavaScript's words.
import {describe, expect, it} from 'vitest'

import {ANA, ANA_CHAT, BOB, BOB_CHAT, callsOf, messageUpdate, REGISTRY, SECRET, useWorld, writeRegistry} from './fixture.js'
import {useServeProcesses} from './serve-process.js'

const world = useWorld()
const startServe = useServeProcesses()
const HEADER = {'X-Telegram-Bot-Api-Secret-Token': SECRET}

describe('webhook serve: text and callback data that are not strings', () => {
  it('400 saying which field, one line on stderr, and the server keeps serving', async () => {
    writeRegistry(world.cli, REGISTRY)
    const server = await startServe(world.cli, [], {TELEGRAM_WEBHOOK_SECRET: SECRET})
    const numericText = {update_id: 1, message: {...messageUpdate(1, ANA_CHAT, ANA, '/help').message, text: 5}}
    const press = (updateId: number, data: unknown) => ({update_id: updateId, callback_query: {id: `cbq-${updateId}`, from: ANA, chat_instance: '-77', data}})
    expect(await server.post(1, numericText, HEADER)).toEqual({status: 400, text: 'not a Telegram update (message text not a string)\n'})
    expect(await server.post(1, press(2, 5), HEADER)).toEqual({status: 400, text: 'not a Telegram update (callback_query data not a string)\n'})
    expect(await server.post(1, press(3, ['mute']), HEADER)).toEqual({status: 400, text: 'not a Telegram update (callback_query data not a string)\n'})
    expect(await server.post(1, messageUpdate(4, BOB_CHAT, BOB, '/help'), HEADER)).toEqual({status: 200, text: ''})
    await server.waitForLine(/^alerts: \/help in chat 5151: replied$/)
    const stopped = await server.stop()
    expect(stopped.stderr.trim().split('\n')).toEqual([
      'webhook: 400 not a Telegram update (message text not a string) (127.0.0.1 POST /api/telegram/webhook/1/)',
      'webhook: 400 not a Telegram update (callback_query data not a string) (127.0.0.1 POST /api/telegram/webhook/1/)',
      'webhook: 400 not a Telegram update (callback_query data not a string) (127.0.0.1 POST /api/telegram/webhook/1/)',
    ])
    expect(callsOf(world.api, 'sendMessage').map((request) => request.params.chat_id)).toEqual([BOB_CHAT.id])
  })
})
