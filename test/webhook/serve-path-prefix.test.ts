// `--path-prefix` as operators type it. Before, anything was taken as it came: `tg` (no slash) or the base URL itself
// made a route no request path can match, and every update Telegram sent was a 404 while serve started as usual.
import {describe, expect, it} from 'vitest'

import {ANA, ANA_CHAT, callsOf, messageUpdate, REGISTRY, SECRET, useWorld, writeRegistry} from './fixture.js'
import {useServeProcesses} from './serve-process.js'

const world = useWorld()
const startServe = useServeProcesses()
const env = {TELEGRAM_WEBHOOK_SECRET: SECRET}
const HEADER = {'X-Telegram-Bot-Api-Secret-Token': SECRET}

describe('webhook serve --path-prefix', () => {
  it('a prefix that is not a path is one line naming the flag, exit 2, before any call to Telegram', async () => {
    writeRegistry(world.cli, REGISTRY)
    const refused = {
      tg: 'Error: --path-prefix: expected the path your proxy keeps before /api/telegram/webhook/, like /tg, got "tg"',
      'https://ops.example.com/tg': 'Error: --path-prefix: expected the path your proxy keeps before /api/telegram/webhook/, like /tg, got "https://ops.example.com/tg"',
      '/tg/../x': 'Error: --path-prefix: expected the path your proxy keeps before /api/telegram/webhook/, like /tg, got "/tg/../x"',
      '/tg?x=1': 'Error: --path-prefix: expected the path your proxy keeps before /api/telegram/webhook/, like /tg, got "/tg?x=1"',
      '/tg/api/telegram/webhook/': 'Error: --path-prefix: give the path before /api/telegram/webhook/ (/tg): serve adds it, got "/tg/api/telegram/webhook/"',
    }
    for (const [value, line] of Object.entries(refused)) {
      const result = await world.run(['webhook', 'serve', '--port', '0', '--path-prefix', value], env)
      expect({value, ...result}).toEqual({value, stdout: '', stderr: line, exitCode: 2})
    }
    expect(world.api.requests).toEqual([])
  })

  it('/tg and /tg/ both route /tg/api/telegram/webhook/<id>/', async () => {
    writeRegistry(world.cli, REGISTRY)
    for (const [updateId, prefix] of [[1, '/tg'], [2, '/tg/']] as const) {
      const server = await startServe(world.cli, ['--path-prefix', prefix], env)
      const response = await fetch(`${server.url}/tg/api/telegram/webhook/1/`, {method: 'POST', headers: HEADER, body: JSON.stringify(messageUpdate(updateId, ANA_CHAT, ANA, '/help'))})
      expect([prefix, response.status]).toEqual([prefix, 200])
      await server.waitForLine(/^alerts: \/help in chat 4242: replied$/)
      await server.stop()
    }
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(2)
  })

  it('Telegram posting under a prefix serve does not route (register --base-url https://…/tg): the 404 line says which flag', async () => {
    writeRegistry(world.cli, REGISTRY)
    const server = await startServe(world.cli, [], env)
    const response = await fetch(`${server.url}/tg/api/telegram/webhook/1/`, {method: 'POST', headers: HEADER, body: JSON.stringify(messageUpdate(1, ANA_CHAT, ANA, '/help'))})
    expect(response.status).toBe(404)
    // Another path ending: no hint, nothing could be guessed.
    expect((await fetch(`${server.url}/tg/api/telegram/webhook/7/`, {method: 'POST', headers: HEADER, body: '{}'})).status).toBe(404)
    await server.waitForLine(/webhook\/7\//, 'stderr')
    expect(server.stderr().trim().split('\n')).toEqual([
      'webhook: 404 no bot is served at this path (127.0.0.1 POST /tg/api/telegram/webhook/1/): the path of bot 1 under /tg; if Telegram posts there, serve with --path-prefix /tg (or set TELEGRAM_WEBHOOK_BASE_URL with that path)',
      'webhook: 404 no bot is served at this path (127.0.0.1 POST /tg/api/telegram/webhook/7/)',
    ])
  })
})
