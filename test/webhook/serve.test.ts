// `webhook serve` as Telegram meets it: real updates POSTed over loopback to the spawned CLI, replies recorded by
// the fake Bot API. Each check of "nothing was sent" is fenced by a later update whose reply did arrive.
import type {Update} from '@grammyjs/types'
import {describe, expect, it} from 'vitest'

import {ALERTS_BOT, ANA, ANA_CHAT, BOB, BOB_CHAT, callsOf, expectNoToken, messageUpdate, OPS_GROUP, REGISTRY, SECRET, useWorld, writeRegistry} from './fixture.js'
import {type ServeProcess, useServeProcesses} from './serve-process.js'

const world = useWorld()
const startServe = useServeProcesses()

const HEADER = {'X-Telegram-Bot-Api-Secret-Token': SECRET}
const HELP = [
  'FastPay ops bot (@fastpay_alerts_bot), run by fastpay-tg.',
  '/status – bots and linked chats',
  '/link TOKEN – receive channels such as alerts in this chat (an operator creates the token: fastpay-tg webhook link-token)',
  '/stop [CHANNEL] – stop receiving them here (or just that channel)',
  '/help – this list',
]

async function serveRegistry(env: Record<string, string | undefined> = {TELEGRAM_WEBHOOK_SECRET: SECRET}): Promise<ServeProcess> {
  writeRegistry(world.cli, REGISTRY)
  return startServe(world.cli, [], env)
}

/** POSTs the update with the right secret and waits until the server logged that it replied. */
async function roundTrip(server: ServeProcess, update: Update, logged: RegExp, botId = 1): Promise<void> {
  expect(await server.post(botId, update, HEADER)).toEqual({status: 200, text: ''})
  await server.waitForLine(logged)
}

const sentTexts = () => callsOf(world.api, 'sendMessage').map((request) => [request.token, request.params.chat_id, request.params.text])

describe('webhook serve: the HTTP side', () => {
  it('starts with the getUpdates note, one line per bot, then listening; SIGTERM stops it cleanly', async () => {
    const server = await serveRegistry()
    expect(server.stdout().split('\n').slice(0, 3)).toEqual([
      'Note: a webhook and getUpdates exclude each other: while a webhook is registered (webhook register), `discover` cannot read updates; `webhook delete` switches back',
      'serving alerts (@fastpay_alerts_bot) at /api/telegram/webhook/1/',
      'serving deploy (@fastpay_deploy_bot) at /api/telegram/webhook/2/',
    ])
    await roundTrip(server, messageUpdate(1, ANA_CHAT, ANA, '/help'), /^alerts: \/help in chat 4242: replied$/)
    const stopped = await server.stop()
    expect(stopped.exitCode).toBe(0)
    expect(stopped.stdout.split('\n').slice(-3)).toEqual(['SIGTERM: finishing queued updates', 'stopped after 1 updates', ''])
    expect(stopped.stderr).toBe('')
    expectNoToken(stopped.stdout, stopped.stderr)
  })

  it('the right secret: 200 at once, and the reply goes through the Bot API', async () => {
    const server = await serveRegistry()
    await roundTrip(server, messageUpdate(1, ANA_CHAT, ANA, '/help'), /^alerts: \/help in chat 4242: replied$/)
    expect(sentTexts()).toEqual([[ALERTS_BOT.token, ANA_CHAT.id, [...HELP, "This chat's id: 4242"].join('\n')]])
  })

  it('a wrong or missing secret: 401, logged, and the update is not handled', async () => {
    const server = await serveRegistry()
    expect(await server.post(1, messageUpdate(1, ANA_CHAT, ANA, '/help'), {'X-Telegram-Bot-Api-Secret-Token': 'guess'})).toEqual({status: 401, text: 'wrong or missing secret token header\n'})
    expect(await server.post(1, messageUpdate(2, ANA_CHAT, ANA, '/help'))).toEqual({status: 401, text: 'wrong or missing secret token header\n'})
    await roundTrip(server, messageUpdate(3, BOB_CHAT, BOB, '/help'), /\/help in chat 5151: replied$/)
    expect(sentTexts().map(([, chat]) => chat)).toEqual([BOB_CHAT.id])
    const refused = server.stderr().split('\n').filter((line) => line.includes('401'))
    // The answer is the same; the log line says which, and what to do when the sender is Telegram.
    expect(refused).toEqual([
      'webhook: 401 wrong or missing secret token header (127.0.0.1 POST /api/telegram/webhook/1/): another one was sent; if this is Telegram, its webhook was set with another secret: run webhook register with the one serve uses',
      'webhook: 401 wrong or missing secret token header (127.0.0.1 POST /api/telegram/webhook/1/): none was sent; if this is Telegram, its webhook was set without a secret (by the old backend?): run webhook register',
    ])
  })

  it('no secret anywhere: refuses to start; with --insecure-no-secret it warns and serves requests without the header', async () => {
    writeRegistry(world.cli, REGISTRY)
    const refused = await world.run(['webhook', 'serve', '--port', '0'], {TELEGRAM_WEBHOOK_SECRET: undefined})
    expect(refused).toEqual({
      stdout: '',
      stderr: 'Error: no webhook secret: set TELEGRAM_WEBHOOK_SECRET, or run `webhook register` (it generates one), or pass --insecure-no-secret',
      exitCode: 2,
    })
    const server = await startServe(world.cli, ['--insecure-no-secret'], {TELEGRAM_WEBHOOK_SECRET: undefined})
    expect(server.stderr()).toBe('Warning: --insecure-no-secret: every request is accepted, whoever sends it\n')
    expect(await server.post(1, messageUpdate(1, ANA_CHAT, ANA, '/help'))).toEqual({status: 200, text: ''})
    await server.waitForLine(/\/help in chat 4242: replied$/)
    expect(sentTexts()).toHaveLength(1)
  })

  it('the secret is checked first: without it, every path and method is the same 401 (no bot ids revealed)', async () => {
    const server = await serveRegistry()
    const wrong = {'X-Telegram-Bot-Api-Secret-Token': 'guess'}
    const probe = async (path: string, method: string, headers: Record<string, string>) => {
      const response = await fetch(`${server.url}${path}`, {method, headers, ...(method === 'POST' ? {body: '{}'} : {})})
      return [response.status, await response.text()]
    }
    const unauthorized = [401, 'wrong or missing secret token header\n']
    for (const headers of [wrong, {}]) {
      expect(await probe('/api/telegram/webhook/1/', 'GET', headers)).toEqual(unauthorized)
      expect(await probe('/api/telegram/webhook/99/', 'GET', headers)).toEqual(unauthorized)
      expect(await probe('/api/telegram/webhook/99/', 'POST', headers)).toEqual(unauthorized)
      expect(await probe('/nothing/here', 'DELETE', headers)).toEqual(unauthorized)
    }
    // With the secret, the route and the method are told apart.
    expect(await probe('/api/telegram/webhook/99/', 'POST', HEADER)).toEqual([404, 'no bot is served at this path\n'])
    expect(await probe('/api/telegram/webhook/1/', 'GET', HEADER)).toEqual([405, 'POST only\n'])
  })

  it('routes are anchored: a path that merely ends like a webhook path is 404, and nothing is handled', async () => {
    const server = await serveRegistry()
    for (const path of ['/evil/api/telegram/webhook/1/', '/x/api/telegram/webhook/1', '//api/telegram/webhook/1/', '/api/telegram/webhook/1/extra']) {
      const response = await fetch(`${server.url}${path}`, {method: 'POST', headers: {...HEADER, 'content-type': 'application/json'}, body: JSON.stringify(messageUpdate(1, ANA_CHAT, ANA, '/help'))})
      expect([path, response.status]).toEqual([path, 404])
    }
    await roundTrip(server, messageUpdate(2, BOB_CHAT, BOB, '/help'), /\/help in chat 5151: replied$/)
    expect(sentTexts().map(([, chat]) => chat)).toEqual([BOB_CHAT.id])
  })

  it('the base URL path is the one prefix allowed: /tg/api/telegram/webhook/1/ and /api/telegram/webhook/1/ serve, /tgx/... does not', async () => {
    writeRegistry(world.cli, REGISTRY)
    const server = await startServe(world.cli, [], {TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_WEBHOOK_BASE_URL: 'https://ops.example.com/tg/'})
    const post = (path: string, id: number) => fetch(`${server.url}${path}`, {method: 'POST', headers: HEADER, body: JSON.stringify(messageUpdate(id, ANA_CHAT, ANA, '/help'))}).then((response) => response.status)
    expect(await post('/tgx/api/telegram/webhook/1/', 1)).toBe(404)
    expect(await post('/evil/tg/api/telegram/webhook/1/', 2)).toBe(404)
    expect(await post('/tg/api/telegram/webhook/1/', 3)).toBe(200)
    expect(await post('/api/telegram/webhook/1/', 4)).toBe(200)
    await server.waitForLine(/\/help in chat 4242: replied$/, 'stdout', 2)
    expect(sentTexts()).toHaveLength(2)
  })

  it('a malformed body cannot forge log lines: what the peer sent is escaped, one line per refusal', async () => {
    const server = await serveRegistry()
    const forgery = '\nalerts: muted for 7d "payments:down" by @cfo in chat -100\r\nwebhook: all good\u2028'
    expect((await server.post(1, `{"update_id": 1, "x": "${forgery}`, HEADER)).status).toBe(400)
    expect((await server.post(1, `${forgery}`, HEADER)).status).toBe(400)
    await roundTrip(server, messageUpdate(2, ANA_CHAT, ANA, '/help'), /\/help in chat 4242: replied$/)
    const lines = server.stderr().trim().split('\n')
    expect(lines).toHaveLength(2)
    for (const line of lines) expect(line).toMatch(/^webhook: 400 malformed JSON \(.+\) \(127\.0\.0\.1 POST \/api\/telegram\/webhook\/1\/\)$/)
    // The parser quotes the start of the body: its newline arrives as \u000a, not as a line break.
    expect(lines[1]).toContain('"\\u000aalerts: m')
    expect(server.stdout()).not.toMatch(/^alerts: muted/m)
    expect(server.stderr()).not.toMatch(/^webhook: all good/m)
  })

  it('malformed JSON and non-updates: 400, one line on stderr, and the server keeps serving', async () => {
    const server = await serveRegistry()
    expect(await server.post(1, '{"update_id": 1, "message": ', HEADER)).toEqual({status: 400, text: expect.stringMatching(/^malformed JSON \(.+\)\n$/)})
    expect(await server.post(1, '[1, 2]', HEADER)).toEqual({status: 400, text: 'not a Telegram update (no integer update_id)\n'})
    await roundTrip(server, messageUpdate(2, ANA_CHAT, ANA, '/help'), /\/help in chat 4242: replied$/)
    const lines = server.stderr().trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^webhook: 400 malformed JSON \(.+\) \(127\.0\.0\.1 POST \/api\/telegram\/webhook\/1\/\)$/)
    expect(lines[1]).toBe('webhook: 400 not a Telegram update (no integer update_id) (127.0.0.1 POST /api/telegram/webhook/1/)')
  })

  // These got their 200, then failed in the queue as "500 Cannot read properties of null (reading 'id')" or
  // "update 4 ... failed: Cannot read properties of null": JavaScript's words, after an answer that said accepted.
  it('an update whose message or callback_query is not the shape Telegram sends: 400 saying which, never a TypeError', async () => {
    const server = await serveRegistry()
    const chatless = {update_id: 3, message: {message_id: 1, date: 1, chat: null, text: '/help'}}
    expect(await server.post(1, chatless, HEADER)).toEqual({status: 400, text: 'not a Telegram update (message without a chat id)\n'})
    expect(await server.post(1, {update_id: 4, callback_query: null}, HEADER)).toEqual({status: 400, text: 'not a Telegram update (callback_query without an id and from.id)\n'})
    await roundTrip(server, messageUpdate(5, ANA_CHAT, ANA, '/help'), /\/help in chat 4242: replied$/)
    expect(server.stderr().trim().split('\n')).toEqual([
      'webhook: 400 not a Telegram update (message without a chat id) (127.0.0.1 POST /api/telegram/webhook/1/)',
      'webhook: 400 not a Telegram update (callback_query without an id and from.id) (127.0.0.1 POST /api/telegram/webhook/1/)',
    ])
  })

  it('an oversized body: 413 whether announced or streamed, and the server keeps serving', async () => {
    const server = await serveRegistry()
    const big = JSON.stringify({update_id: 1, message: {text: 'x'.repeat(2 * 1024 * 1024)}})
    expect(await server.post(1, big, HEADER)).toEqual({status: 413, text: 'body over 1048576 bytes\n'})
    const chunk = new Uint8Array(512 * 1024).fill(0x20)
    const stream = new ReadableStream({
      start(controller) {
        for (let sent = 0; sent < 3; sent++) controller.enqueue(chunk)
        controller.close()
      },
    })
    const streamed = await fetch(`${server.url}/api/telegram/webhook/1/`, {method: 'POST', headers: HEADER, body: stream, duplex: 'half'} as RequestInit)
    expect([streamed.status, await streamed.text()]).toEqual([413, 'body over 1048576 bytes\n'])
    await roundTrip(server, messageUpdate(2, ANA_CHAT, ANA, '/help'), /\/help in chat 4242: replied$/)
    expect(sentTexts()).toHaveLength(1)
  })

  it('with the secret: another path is 404, another method 405', async () => {
    const server = await serveRegistry()
    expect(await server.post(99, messageUpdate(1, ANA_CHAT, ANA, '/help'), HEADER)).toEqual({status: 404, text: 'no bot is served at this path\n'})
    const get = await fetch(`${server.url}/api/telegram/webhook/1/`, {headers: HEADER})
    expect([get.status, get.headers.get('allow'), await get.text()]).toEqual([405, 'POST', 'POST only\n'])
  })

  it('an update Telegram sends twice is handled once', async () => {
    const server = await serveRegistry()
    const update = messageUpdate(7, ANA_CHAT, ANA, '/help')
    expect(await server.post(1, update, HEADER)).toEqual({status: 200, text: ''})
    await roundTrip(server, update, /\/help in chat 4242: replied$/)
    await roundTrip(server, messageUpdate(8, BOB_CHAT, BOB, '/help'), /\/help in chat 5151: replied$/)
    expect(sentTexts().map(([, chat]) => chat)).toEqual([ANA_CHAT.id, BOB_CHAT.id])
  })

  it('a request whose body never finishes gets 408 after --request-timeout', async () => {
    const server = await startServe(world.cli, ['--request-timeout', '1', '--token', ALERTS_BOT.token], {TELEGRAM_WEBHOOK_SECRET: SECRET})
    const {connect} = await import('node:net')
    const {port} = new URL(server.url)
    const socket = connect(Number(port), '127.0.0.1')
    socket.write(`POST /api/telegram/webhook/${ALERTS_BOT.id}/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: ${SECRET}\r\nContent-Length: 100\r\n\r\n{"update_id":`)
    const answer = await new Promise<string>((resolve) => {
      let text = ''
      socket.on('data', (chunk) => (text += chunk.toString()))
      socket.on('close', () => resolve(text))
    })
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout')
    await server.waitForLine(/^webhook: 408 request not received in time$/, 'stderr')
    expect(callsOf(world.api, 'sendMessage')).toEqual([])
  })
})

describe('webhook serve: start-up failures', () => {
  it('a port already taken is one usage line', async () => {
    const {createServer} = await import('node:net')
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const {port} = taken.address() as {port: number}
    try {
      const result = await world.run(['webhook', 'serve', '--port', String(port), '--token', ALERTS_BOT.token], {TELEGRAM_WEBHOOK_SECRET: SECRET})
      expect(result).toEqual({stdout: '', stderr: `Error: --port ${port}: 127.0.0.1:${port} is already in use`, exitCode: 2})
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
  })

  it('a secret Telegram would refuse stops it before it listens', async () => {
    writeRegistry(world.cli, REGISTRY)
    const result = await world.run(['webhook', 'serve', '--port', '0'], {TELEGRAM_WEBHOOK_SECRET: 'not valid'})
    expect(result).toEqual({stdout: '', stderr: 'Error: TELEGRAM_WEBHOOK_SECRET: expected 1-256 characters from A-Z a-z 0-9 _ - (it has a character not allowed: U+0020)', exitCode: 2})
  })
})

describe('webhook serve: the commands', () => {
  it('/start greets and lists the commands', async () => {
    const server = await serveRegistry()
    await roundTrip(server, messageUpdate(1, ANA_CHAT, ANA, '/start'), /^alerts: \/start in chat 4242: replied$/)
    expect(sentTexts()).toEqual([[ALERTS_BOT.token, ANA_CHAT.id, [`Hello! ${HELP[0]}`, ...HELP.slice(1), "This chat's id: 4242"].join('\n')]])
  })

  it('/status in a registry chat: the bots, linked chats, what this chat receives; as a reply in the group', async () => {
    const server = await serveRegistry()
    const update = messageUpdate(1, OPS_GROUP, ANA, '/status@fastpay_alerts_bot')
    await roundTrip(server, update, /^alerts: \/status in chat -1001234567890: replied$/)
    const [request] = callsOf(world.api, 'sendMessage')
    expect(request!.params.reply_parameters).toEqual({message_id: update.message!.message_id, allow_sending_without_reply: true})
    const lines = String(request!.params.text).split('\n')
    expect(lines[0]).toMatch(/^Status at \d\d:\d\d UTC$/)
    expect(lines.slice(1)).toEqual([
      '',
      'Bots (2 in the registry):',
      '• alerts (id 1): active, 1 chat, answering here',
      '• deploy (id 2): active, 1 chat',
      '',
      'Linked chats: 0',
      'This chat receives: alerts (registry), deploy (registry)',
    ])
  })

  it('/status in a chat that receives nothing says how to link it; unknown commands get a hint in private only', async () => {
    const server = await serveRegistry()
    await roundTrip(server, messageUpdate(1, BOB_CHAT, BOB, '/status'), /\/status in chat 5151: replied$/)
    // Meant for another bot of the group: not ours to answer. Then a command we do not know, in a group and in private.
    expect(await server.post(1, messageUpdate(2, OPS_GROUP, ANA, '/help@other_bot'), HEADER)).toEqual({status: 200, text: ''})
    expect(await server.post(1, messageUpdate(3, OPS_GROUP, ANA, '/deploy now'), HEADER)).toEqual({status: 200, text: ''})
    expect(await server.post(1, messageUpdate(4, OPS_GROUP, ANA, 'just chatting'), HEADER)).toEqual({status: 200, text: ''})
    await roundTrip(server, messageUpdate(5, BOB_CHAT, BOB, '/deploy'), /\/deploy in chat 5151: replied$/)
    expect(sentTexts().map(([, chat, text]) => [chat, text])).toEqual([
      [BOB_CHAT.id, 'Status is shown in chats that receive alerts. Ask an operator for a link token (fastpay-tg webhook link-token), then send /link TOKEN here.'],
      [BOB_CHAT.id, 'Unknown command. /help lists what I can do.'],
    ])
  })

  it('--bot serves one bot; a bot outside the registry is served under its Telegram id', async () => {
    const server = await startServe(world.cli, ['--token', ALERTS_BOT.token], {TELEGRAM_WEBHOOK_SECRET: SECRET})
    expect(server.stdout()).toContain(`serving bot (@fastpay_alerts_bot) at /api/telegram/webhook/${ALERTS_BOT.id}/\n`)
    expect(await server.post(1, messageUpdate(1, ANA_CHAT, ANA, '/help'), HEADER)).toEqual({status: 404, text: 'no bot is served at this path\n'})
    await roundTrip(server, messageUpdate(2, ANA_CHAT, ANA, '/help'), /^@fastpay_alerts_bot: \/help in chat 4242: replied$/, ALERTS_BOT.id)
    expectNoToken(server.stdout(), server.stderr())
  })
})
