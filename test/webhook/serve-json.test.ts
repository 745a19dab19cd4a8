// `webhook serve --json`: one JSON object a line on stdout, from start to stop; nothing else there.
import {describe, expect, it} from 'vitest'

import {ANA, ANA_CHAT, expectNoToken, messageUpdate, REGISTRY, SECRET, useWorld, writeRegistry} from './fixture.js'
import {useServeProcesses} from './serve-process.js'

const world = useWorld()
const startServe = useServeProcesses()

const events = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as {event: string; time: string} & Record<string, unknown>)

describe('webhook serve --json', () => {
  it('prints started, update, error, stopping and stopped events, one a line', async () => {
    writeRegistry(world.cli, REGISTRY)
    const server = await startServe(world.cli, ['--json'], {TELEGRAM_WEBHOOK_SECRET: SECRET})
    expect(await server.post(1, messageUpdate(1, ANA_CHAT, ANA, '/help'), {'X-Telegram-Bot-Api-Secret-Token': SECRET})).toEqual({status: 200, text: ''})
    await server.waitForLine(/"event":"update"/)
    expect((await server.post(1, messageUpdate(2, ANA_CHAT, ANA, '/help'), {'X-Telegram-Bot-Api-Secret-Token': 'guess'})).status).toBe(401)
    await server.waitForLine(/"event":"error"/)
    const stopped = await server.stop()
    expect(stopped.exitCode).toBe(0)
    expect(stopped.stderr).toBe('')
    expectNoToken(stopped.stdout)
    const printed = events(stopped.stdout)
    for (const event of printed) expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(printed.map(({time, ...event}) => event)).toEqual([
      {
        event: 'started',
        url: server.url,
        port: Number(new URL(server.url).port),
        bots: [
          {name: 'alerts', username: 'fastpay_alerts_bot', webhookId: 1, path: '/api/telegram/webhook/1/'},
          {name: 'deploy', username: 'fastpay_deploy_bot', webhookId: 2, path: '/api/telegram/webhook/2/'},
        ],
        keptAtStart: 0,
        warnings: [],
      },
      {event: 'update', updateId: 1, webhookId: 1, message: 'alerts: /help in chat 4242: replied'},
      {event: 'error', message: 'webhook: 401 wrong or missing secret token header (127.0.0.1 POST /api/telegram/webhook/1/): another one was sent; if this is Telegram, its webhook was set with another secret: run webhook register with the one serve uses'},
      {event: 'stopping', signal: 'SIGTERM'},
      {event: 'stopped', updates: 1, kept: 0},
    ])
  })

  it('a start-up failure is one {error} line', async () => {
    writeRegistry(world.cli, REGISTRY)
    const result = await world.run(['webhook', 'serve', '--port', '0', '--json'], {TELEGRAM_WEBHOOK_SECRET: undefined})
    expect(result.exitCode).toBe(2)
    expect(result.stdout.split('\n')).toHaveLength(1)
    expect(JSON.parse(result.stdout)).toEqual({
      error: {code: 'usage', message: 'no webhook secret: set TELEGRAM_WEBHOOK_SECRET, or run `webhook register` (it generates one), or pass --insecure-no-secret', exitCode: 2},
    })
  })
})
