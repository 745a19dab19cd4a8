// Issue 10, item 5: one registry bot whose token cannot be read (its ${ENV} is unset) must not stop `webhook serve`
// for the others: they are served, and the server says in one line which bot it left out and why.
import {describe, expect, it, vi} from 'vitest'

import {ANA, ANA_CHAT, DEPLOY_BOT, expectNoToken, messageUpdate, REGISTRY, SECRET, useWorld, writeRegistry} from './fixture.js'
import {useServeProcesses} from './serve-process.js'

// Each test spawns several CLI processes; on a loaded machine they need more than the default 30 s (not a timing assertion).
vi.setConfig({testTimeout: 180_000})

const world = useWorld()
const startServe = useServeProcesses()

describe('webhook serve with a bot whose token cannot be read', () => {
  it('serves the other bots and logs one line for it', async () => {
    writeRegistry(world.cli, REGISTRY.replace(DEPLOY_BOT.token, '${DEPLOY_BOT_TOKEN}'))
    const server = await startServe(world.cli, [], {TELEGRAM_WEBHOOK_SECRET: SECRET})
    await server.waitForLine(/^listening on /)
    expect(server.stdout().split('\n').filter((line) => line.startsWith('serving '))).toEqual(['serving alerts (@fastpay_alerts_bot) at /api/telegram/webhook/1/'])
    expect(server.stderr()).toBe(
      'Warning: bot "deploy" in ~/config/fastpay-tg/config.yml takes its token from ${DEPLOY_BOT_TOKEN}, which is not set: not served\n',
    )
    const header = {'X-Telegram-Bot-Api-Secret-Token': SECRET}
    expect(await server.post(1, messageUpdate(1, ANA_CHAT, ANA, '/help'), header)).toEqual({status: 200, text: ''})
    await server.waitForLine(/^alerts: \/help in chat 4242: replied$/)
    expect(await server.post(2, messageUpdate(2, ANA_CHAT, ANA, '/help'), header)).toEqual({status: 404, text: 'no bot is served at this path\n'})
    const stopped = await server.stop()
    expect(stopped.exitCode).toBe(0)
    expectNoToken(stopped.stdout, stopped.stderr)
  })
})
