// A Redis that takes the connection and never answers (a paused server, a firewall that lets the handshake through):
// each door gives up in bounded time and says why in one line, with the reason the connect failed, not the
// client's complaint about a second connect while the first socket was still closing.
import {createServer, type Server, type Socket} from 'node:net'
import type {AddressInfo} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {closedPort} from '../api/fixture.js'
import {ALERTS_BOT, callsOf, ON_CALL, useCliWorld} from './fixture.js'

const world = useCliWorld()
const asAlerts = {TELEGRAM_BOT_TOKEN: ALERTS_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id)}

let silent: Server
const sockets = new Set<Socket>()
let url: string
beforeAll(async () => {
  // allowHalfOpen: a stopped process never closes its end either, whatever the client ends.
  silent = createServer({allowHalfOpen: true}, (socket) => {
    sockets.add(socket)
    socket.on('data', () => {})
  })
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  url = `redis://127.0.0.1:${(silent.address() as AddressInfo).port}/0`
})
afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => silent.close(resolve))
})

describe('a Redis that accepts the connection and never answers', () => {
  it('digest: one line with the timeout as the reason, exit 3, nothing sent', async () => {
    const result = await world.run(['digest'], {env: {...asAlerts, FASTPAY_TG_STORE: url}})
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(
      `Error: the monitor history is in the store ${url}, which does not answer (connect timed out after 2000 ms): no digest of this host's files alone; run again once it answers`,
    )
    expect(result.exitCode).toBe(3)
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(0)
  })

  it('health: the store line gives the timeout as the reason', async () => {
    const result = await world.run(['health', '--json'], {env: {...asAlerts, FASTPAY_TG_STORE: url}})
    const store = (JSON.parse(result.stdout) as {items: Array<{check: string; detail: string}>}).items.find((item) => item.check === 'store')
    expect(store?.detail).toMatch(/unreachable \(connect timed out after 2000 ms\)/)
  })

  // rediss:// to a Redis without TLS ends the same way (the server waits for a command line that never comes): the
  // line said only "connect ETIMEDOUT", and nothing pointed at the scheme.
  it('alert over rediss://: the warning line asks whether that port speaks TLS', async () => {
    const tls = url.replace(/^redis:/, 'rediss:')
    const result = await world.run(['alert', 'Ledger lag', '--no-host'], {env: {...asAlerts, FASTPAY_TG_STORE: tls}})
    expect([result.exitCode, result.stdout]).toEqual([0, `sent to ${ON_CALL.id}: message 1`])
    expect(result.stderr).toMatch(
      /^Warning: store rediss:\/\/127\.0\.0\.1:\d+\/0 unreachable \(connect ETIMEDOUT; rediss:\/\/ is TLS: does that port speak TLS\?\); using the file store in .+ until it is back$/,
    )
    const health = await world.run(['health', '--json'], {env: {...asAlerts, FASTPAY_TG_STORE: tls}})
    const store = (JSON.parse(health.stdout) as {items: Array<{check: string; detail: string}>}).items.find((item) => item.check === 'store')
    expect(store?.detail).toContain('unreachable (connect ETIMEDOUT; rediss:// is TLS: does that port speak TLS?)')
  })

  it('alert: sent once from this host, one warning line naming the timeout', async () => {
    const result = await world.run(['alert', 'Ledger lag', '--no-host'], {env: {...asAlerts, FASTPAY_TG_STORE: url}})
    expect([result.exitCode, result.stdout]).toEqual([0, `sent to ${ON_CALL.id}: message 1`])
    expect(result.stderr).toMatch(/^Warning: store redis:\/\/127\.0\.0\.1:\d+\/0 unreachable \(connect timed out after 2000 ms\); using the file store in .+ until it is back$/)
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(1)
  })
})

// This host's files are not the fleet's state: a host that never ran a check said "no checks yet" (exit 0) while
// the fleet had a check down, and --html would have published that page.
describe('monitor status while the fleet\'s Redis is unreachable', () => {
  it('one line naming the store and why, exit 3, no state of this host\'s files shown', async () => {
    const gone = `redis://127.0.0.1:${await closedPort()}/0`
    const result = await world.run(['monitor', 'status'], {env: {...asAlerts, FASTPAY_TG_STORE: gone}})
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(
      /^Error: the monitor state is in the store redis:\/\/127\.0\.0\.1:\d+\/0, which does not answer \(connect ECONNREFUSED 127\.0\.0\.1:\d+\): no status of this host's files alone; run again once it answers$/,
    )
    expect(result.exitCode).toBe(3)
  })

  it('never answering: the same, with the timeout', async () => {
    const result = await world.run(['monitor', 'status', '--json'], {env: {...asAlerts, FASTPAY_TG_STORE: url}})
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        code: 'unreachable',
        message: `the monitor state is in the store ${url}, which does not answer (connect timed out after 2000 ms): no status of this host's files alone; run again once it answers`,
        exitCode: 3,
      },
    })
    expect(result.exitCode).toBe(3)
  })
})
