// Usage stats from the webhook door: replies `webhook serve` sends count under `webhook`, written when it stops.
import {describe, expect, it} from 'vitest'

import {ANA, ANA_CHAT, messageUpdate, REGISTRY, SECRET, useWorld, writeRegistry} from './fixture.js'
import {useServeProcesses} from './serve-process.js'

const world = useWorld()
const startServe = useServeProcesses()

describe('webhook serve: usage stats', () => {
  it('each reply counts for the bot under the webhook door, once the server stops', async () => {
    writeRegistry(world.cli, REGISTRY)
    const server = await startServe(world.cli, [], {TELEGRAM_WEBHOOK_SECRET: SECRET})
    const header = {'X-Telegram-Bot-Api-Secret-Token': SECRET}
    expect(await server.post(1, messageUpdate(1, ANA_CHAT, ANA, '/help'), header)).toEqual({status: 200, text: ''})
    await server.waitForLine(/^alerts: \/help in chat 4242: replied$/)
    expect(await server.post(1, messageUpdate(2, ANA_CHAT, ANA, '/status'), header)).toEqual({status: 200, text: ''})
    await server.waitForLine(/^alerts: \/status in chat 4242: replied$/)
    expect((await server.stop()).exitCode).toBe(0)
    const stats = await world.run(['bots', 'stats', '--json'])
    const bots = (JSON.parse(stats.stdout) as {bots: Array<{bot: string; doors: Record<string, {sent: number; failed: number}>}>}).bots
    expect(bots.map((bot) => [bot.bot, bot.doors])).toEqual([['alerts', {webhook: {sent: 2, failed: 0, lastSentAt: expect.any(String)}}]])
  })
})
