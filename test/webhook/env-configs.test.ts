// The backend's webhooks with the environment it had: no registry, only TELEGRAM_BOT_CONFIGS. `webhook register
// --all` and `webhook serve` act on every bot of it, as they do on every registry bot, so that no bot's updates
// meet a 404 after the move. A bot named twice with one token is one Telegram bot: one webhook, served once.
import {describe, expect, it, vi} from 'vitest'

import {ALERTS_BOT, ANA, ANA_CHAT, callsOf, DEPLOY_BOT, expectNoToken, messageUpdate, SECRET, useWorld, writeRegistry} from './fixture.js'
import {type ServeProcess, useServeProcesses} from './serve-process.js'

// Each test spawns CLI processes; on a loaded machine they need more than the default 30 s (not a timing assertion).
vi.setConfig({testTimeout: 180_000})

const world = useWorld()
const startServe = useServeProcesses()

const configs = JSON.stringify([
  {name: 'alerts', token: ALERTS_BOT.token, chat_ids: `${ANA_CHAT.id}`},
  {name: 'deploy', token: DEPLOY_BOT.token, chat_ids: `${ANA_CHAT.id}`},
  // Another name for the alerts bot, with other chats: the same Telegram bot.
  {name: 'payments', token: ALERTS_BOT.token, chat_ids: `${ANA_CHAT.id}`},
])
const env = {TELEGRAM_BOT_CONFIGS: configs, TELEGRAM_WEBHOOK_SECRET: SECRET, SITE_URL: 'https://ops.example.com/'}

/** The deploy bot is served: a /help to it is answered; then serve stops cleanly and tells what it printed. */
async function deployRepliesThenStop(server: ServeProcess) {
  const header = {'X-Telegram-Bot-Api-Secret-Token': SECRET}
  expect(await server.post(DEPLOY_BOT.id, messageUpdate(1, ANA_CHAT, ANA, '/help'), header)).toEqual({status: 200, text: ''})
  await server.waitForLine(/^deploy: \/help in chat 4242: replied$/)
  const stopped = await server.stop()
  expect(stopped.exitCode).toBe(0)
  return stopped
}

describe('webhook with TELEGRAM_BOT_CONFIGS only', () => {
  it('register --all sets one webhook per Telegram bot, at its Telegram id', async () => {
    const result = await world.run(['webhook', 'register', '--all'], env)
    expect([result.exitCode, result.stderr]).toEqual([0, ''])
    expect(result.stdout.split('\n').filter((line) => line.endsWith(': webhook set'))).toEqual(['alerts: webhook set', 'deploy: webhook set'])
    expect(callsOf(world.api, 'setWebhook').map((request) => [request.token, request.params.url])).toEqual([
      [ALERTS_BOT.token, `https://ops.example.com/api/telegram/webhook/${ALERTS_BOT.id}/`],
      [DEPLOY_BOT.token, `https://ops.example.com/api/telegram/webhook/${DEPLOY_BOT.id}/`],
    ])
    expectNoToken(result.stdout, result.stderr)
  })

  it('serve answers every bot of it, not only the first', async () => {
    const server = await startServe(world.cli, [], env)
    await server.waitForLine(/^listening on /)
    expect(server.stdout().split('\n').filter((line) => line.startsWith('serving '))).toEqual([
      `serving alerts (@${ALERTS_BOT.username}) at /api/telegram/webhook/${ALERTS_BOT.id}/`,
      `serving deploy (@${DEPLOY_BOT.username}) at /api/telegram/webhook/${DEPLOY_BOT.id}/`,
    ])
    const stopped = await deployRepliesThenStop(server)
    expect(stopped.stderr).toBe('')
  })

  // `alerts` and `ALERTS` were two bots to the backend; names here ignore case, so that name is refused. The list's
  // other bots are still served: the whole serve stopped (exit 2), and every bot's updates met a dead receiver.
  it('two entries whose names differ only in case: serve leaves that name out, says so, and serves the others', async () => {
    const ambiguous = JSON.stringify([
      {name: 'alerts', token: ALERTS_BOT.token, chat_ids: `${ANA_CHAT.id}`},
      {name: 'ALERTS', token: ALERTS_BOT.token, chat_ids: `${ANA_CHAT.id}`},
      {name: 'deploy', token: DEPLOY_BOT.token, chat_ids: `${ANA_CHAT.id}`},
    ])
    const server = await startServe(world.cli, [], {...env, TELEGRAM_BOT_CONFIGS: ambiguous})
    await server.waitForLine(/^listening on /)
    expect(server.stdout().split('\n').filter((line) => line.startsWith('serving '))).toEqual([
      `serving deploy (@${DEPLOY_BOT.username}) at /api/telegram/webhook/${DEPLOY_BOT.id}/`,
    ])
    const stopped = await deployRepliesThenStop(server)
    expect(stopped.stderr.split('\n')).toContain('Warning: TELEGRAM_BOT_CONFIGS[1].name: duplicate name "ALERTS" (also TELEGRAM_BOT_CONFIGS[0]; names ignore case): not served')
  })

  it('a registry bot keeps its name: the entry of the same name is not served a second time', async () => {
    writeRegistry(world.cli, `bots:\n  - name: Alerts\n    id: 1\n    token: ${ALERTS_BOT.token}\n    chat_ids: [${ANA_CHAT.id}]\n`)
    const result = await world.run(['webhook', 'register', '--all'], env)
    expect(result.exitCode).toBe(0)
    expect(callsOf(world.api, 'setWebhook').map((request) => [request.token, request.params.url])).toEqual([
      [ALERTS_BOT.token, 'https://ops.example.com/api/telegram/webhook/1/'],
      [DEPLOY_BOT.token, `https://ops.example.com/api/telegram/webhook/${DEPLOY_BOT.id}/`],
    ])
  })

  it('entries without a name (no --bot can pick them) are registered and served too, by Telegram id', async () => {
    const unnamed = JSON.stringify([
      {token: ALERTS_BOT.token, chat_ids: `${ANA_CHAT.id}`},
      {token: DEPLOY_BOT.token, chat_ids: `${ANA_CHAT.id}`},
    ])
    const withUnnamed = {...env, TELEGRAM_BOT_CONFIGS: unnamed}
    const result = await world.run(['webhook', 'register', '--all'], withUnnamed)
    expect([result.exitCode, result.stderr]).toEqual([0, ''])
    expect(result.stdout.split('\n').filter((line) => line.endsWith(': webhook set'))).toEqual([
      'env TELEGRAM_BOT_CONFIGS[0]: webhook set',
      'env TELEGRAM_BOT_CONFIGS[1]: webhook set',
    ])
    expect(callsOf(world.api, 'setWebhook').map((request) => [request.token, request.params.url])).toEqual([
      [ALERTS_BOT.token, `https://ops.example.com/api/telegram/webhook/${ALERTS_BOT.id}/`],
      [DEPLOY_BOT.token, `https://ops.example.com/api/telegram/webhook/${DEPLOY_BOT.id}/`],
    ])
    const server = await startServe(world.cli, [], withUnnamed)
    await server.waitForLine(/^listening on /)
    expect(server.stdout().split('\n').filter((line) => line.startsWith('serving '))).toEqual([
      `serving bot (@${ALERTS_BOT.username}) at /api/telegram/webhook/${ALERTS_BOT.id}/`,
      `serving bot (@${DEPLOY_BOT.username}) at /api/telegram/webhook/${DEPLOY_BOT.id}/`,
    ])
    expect((await server.stop()).exitCode).toBe(0)
  })
})
