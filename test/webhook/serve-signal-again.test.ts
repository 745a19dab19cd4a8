// A second Ctrl-C (or SIGTERM) while `webhook serve` drains: an operator who will not wait. Before, the second signal
// met no handler and ended the process by its default action: the updates still queued had their 200 from us, were
// never kept, and nothing said they were lost.
import {describe, expect, it} from 'vitest'

import {ANA, ANA_CHAT, callsOf, expectNoToken, messageUpdate, REGISTRY, SECRET, useWorld, writeRegistry} from './fixture.js'
import {useServeProcesses} from './serve-process.js'

const world = useWorld()
const startServe = useServeProcesses()
const withSecret = {'X-Telegram-Bot-Api-Secret-Token': SECRET}
const env = {TELEGRAM_WEBHOOK_SECRET: SECRET}

const repliesToAna = () => callsOf(world.api, 'sendMessage').filter((request) => request.params.chat_id === ANA_CHAT.id)

describe('webhook serve: a second signal while it drains', () => {
  for (const [first, second] of [['SIGINT', 'SIGINT'], ['SIGTERM', 'SIGINT'], ['SIGINT', 'SIGTERM']] as const) {
    it(`${first} then ${second}: stops waiting, keeps what was not started for the next serve, exit 0`, async () => {
      writeRegistry(world.cli, REGISTRY)
      // Ana's first reply hangs: her next two updates wait behind it, and the drain would wait a minute for them.
      world.api.failNext({method: 'sendMessage', kind: {hang: true}})
      const server = await startServe(world.cli, ['--drain-seconds', '60'], env)
      for (const updateId of [1, 2, 3]) {
        expect(await server.post(1, messageUpdate(updateId, ANA_CHAT, ANA, '/help'), withSecret)).toEqual({status: 200, text: ''})
      }
      await waitFor(() => repliesToAna().length === 1)
      server.kill(first)
      await server.waitForLine(new RegExp(`^${first}: finishing queued updates$`))
      server.kill(second)
      const stopped = await server.exited()
      expect(stopped.exitCode).toBe(0)
      expect(stopped.stdout.split('\n').slice(-5)).toEqual([
        `${first}: finishing queued updates`,
        `${second} again: not waiting for queued updates; those not started are kept for the next serve`,
        'kept 2 updates not handled within --drain-seconds: the next webhook serve handles them',
        'stopped after 3 updates',
        '',
      ])
      expect(stopped.stderr).toBe('webhook: stopped while handling update 1: what it was replying may not have gone out\n')
      expectNoToken(stopped.stdout, stopped.stderr)

      const next = await startServe(world.cli, [], env)
      expect(next.stdout()).toContain('handling 2 updates kept at the last stop\n')
      await next.waitForLine(/^alerts: \/help in chat 4242: replied$/, 'stdout', 2)
      expect(repliesToAna()).toHaveLength(3)
    })
  }
})

/** Polls the fake Bot API's record (no fixed sleep: each turn waits for the next event-loop round). */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 5_000 && !condition(); turn++) await new Promise((resolve) => setTimeout(resolve, 5))
  expect(condition()).toBe(true)
}
