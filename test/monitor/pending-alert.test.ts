// A change whose alert could not be delivered stays pending, is retried by the next pass, and reaches the chat once.
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {UserError} from '../../src/user-error.js'
import {createAlertSender} from '../../src/monitor/alert-sender.js'
import {statusRows, statusTable} from '../../src/monitor/status.js'
import {FileOutbox} from '../../src/store/index.js'
import {FileThrottle} from '../../src/store/file/file-throttle.js'
import {PRIVATE_CHAT, testClient} from '../api/fixture.js'
import {type FlipServer, monitorsFrom, startFlipServer, useMonitorWorld} from './helpers.js'

const world = useMonitorWorld()
let server: FlipServer
beforeEach(async () => {
  server = await startFlipServer()
})
afterEach(() => server.close())

/**
 * Senders whose bot cannot be opened while `broken` is set, as under cron when `${ALERTS_TOKEN}` is unset. A new
 * sender per pass, as each cron run is a new process.
 */
function switchableSender() {
  const state = {broken: true}
  const {client} = testClient(world.api)
  const sender = () =>
    createAlertSender({
      openTarget: async () => {
        if (state.broken) throw new UserError('registry bot "health": token ${ALERTS_TOKEN} refers to ALERTS_TOKEN, which is not set')
        return {client, botLabel: 'health', chatIds: [PRIVATE_CHAT]}
      },
      throttle: new FileThrottle({dir: join(world.stateDir, 'throttle')}),
      outbox: new FileOutbox({dir: join(world.stateDir, 'outbox')}),
    })
  return Object.assign(state, {sender})
}

async function apiCheck(extra = '') {
  const {config} = await monitorsFrom(`checks:\n  - {name: api, type: http, url: "${server.url}/health", failure-threshold: 1, timeout: 2s${extra}}\n`)
  return config.checks
}

const sendCalls = () => world.api.requests.filter((request) => request.method === 'sendMessage')

describe('an alert that could not be delivered', () => {
  it('stays pending, shows in status, and is delivered once by the next pass that can', async () => {
    const checks = await apiCheck()
    const link = switchableSender()
    const pass = () => world.pass(checks, {sender: link.sender()})
    server.answer = 'error'

    const first = await pass() // 14:00 down, the bot cannot be opened
    expect(first.alerts.map(({status, event, pending}) => [status, event, pending])).toEqual([['failed', 'down', true]])
    const {state} = await world.store.readState()
    expect(state.checks.api!.pendingAlert).toEqual({
      event: 'down',
      downSince: Date.parse('2025-06-01T14:00:00Z'),
      reason: 'registry bot "health": token ${ALERTS_TOKEN} refers to ALERTS_TOKEN, which is not set',
      firstAt: Date.parse('2025-06-01T14:00:00Z'),
      attempts: 1,
    })
    const table = statusTable(statusRows(state, checks), state, world.clock.now)
    expect(table[1]).toMatch(/; alert pending: registry bot "health": token \$\{ALERTS_TOKEN\} refers to ALERTS_TOKEN, which is not set \(down alert, 1 attempt\)$/)

    await pass() // 14:01 still failing to alert
    expect((await world.store.readState()).state.checks.api!.pendingAlert!.attempts).toBe(2)
    expect(sendCalls()).toHaveLength(0)

    link.broken = false
    const delivered = await pass() // 14:02 the bot is back: the down alert goes out, saying it is late
    expect(delivered.alerts.map(({status, event, pending}) => [status, event, pending])).toEqual([['sent', 'down', undefined]])
    expect(world.texts()).toHaveLength(1)
    expect(world.texts()[0]!.split('\n').slice(0, 5)).toEqual([
      '❌ api is down',
      `check: http GET ${server.url}/health`,
      'error: status 500 Internal Server Error, expected 2xx',
      'failing since: 14:00:00 UTC (3 failed checks)',
      'delayed: could not be sent at 14:00:00 UTC: registry bot "health": token ${ALERTS_TOKEN} refers to ALERTS_TOKEN, which is not set',
    ])
    expect((await world.store.readState()).state.checks.api!.pendingAlert).toBeUndefined()

    await pass() // 14:03 nothing new
    await pass()
    expect(world.texts()).toHaveLength(1)
  })

  it('when the check recovered meanwhile, one alert tells the whole outage (even without send-on-resolved)', async () => {
    const checks = await apiCheck(', send-on-resolved: false')
    const link = switchableSender()
    const pass = () => world.pass(checks, {sender: link.sender()})
    server.answer = 'error'
    await pass() // 14:00 down, undeliverable
    await pass() // 14:01
    server.answer = 'ok'
    const up = await pass() // 14:02 up again, still undeliverable
    expect(up.alerts.map(({status, event}) => [status, event])).toEqual([['failed', 'outage']])
    expect((await world.store.readState()).state.checks.api!.pendingAlert).toMatchObject({event: 'outage', upSince: Date.parse('2025-06-01T14:02:00Z'), attempts: 3})

    link.broken = false
    await pass() // 14:03
    await pass() // 14:04
    expect(world.texts()).toHaveLength(1)
    expect(world.texts()[0]!.split('\n').slice(0, 5)).toEqual([
      '⚠️ api was down',
      `check: http GET ${server.url}/health`,
      'down: from 14:00:00 UTC to 14:02:00 UTC (2m 00s)',
      'now: 200 OK',
      expect.stringMatching(/^delayed: could not be sent at 14:00:00 UTC: registry bot "health"/),
    ])
  })

  it('a recovery that could not be told is told with the next down alert', async () => {
    const checks = await apiCheck()
    const link = switchableSender()
    link.broken = false
    const pass = () => world.pass(checks, {sender: link.sender()})
    server.answer = 'error'
    await pass() // 14:00 down, sent
    link.broken = true
    server.answer = 'ok'
    await pass() // 14:01 up, undeliverable
    server.answer = 'error'
    link.broken = false
    await pass() // 14:02 down again
    expect(world.texts().map((text) => text.split('\n')[0])).toEqual(['❌ api is down', '❌ api is down'])
    expect(world.texts()[1]).toMatch(/\nbefore this: up again at 14:01:00 UTC \(that alert could not be sent at 14:01:00 UTC: registry bot/)
    expect((await world.store.readState()).state.checks.api!.pendingAlert).toBeUndefined()
  })

  it('Telegram refusing the bot keeps it pending; Telegram unreachable hands it to the outbox instead', async () => {
    const checks = await apiCheck()
    const link = switchableSender()
    link.broken = false
    const pass = () => world.pass(checks, {sender: link.sender()})
    server.answer = 'error'
    world.api.failNext({method: 'sendMessage', kind: {status: 401}})
    const refused = await pass()
    expect(refused.alerts.map(({status, pending, error}) => [status, pending, error])).toEqual([['refused', true, expect.stringContaining('Unauthorized')]])
    expect((await world.store.readState()).state.checks.api!.pendingAlert).toMatchObject({event: 'down', attempts: 1})

    world.api.failNext({method: 'sendMessage', kind: {status: 502}, times: 10})
    const spooled = await pass()
    expect(spooled.alerts.map(({status, pending}) => [status, pending])).toEqual([['spooled', undefined]])
    expect((await world.store.readState()).state.checks.api!.pendingAlert).toBeUndefined()
    expect((await new FileOutbox({dir: join(world.stateDir, 'outbox')}).list()).items).toHaveLength(1)
    world.api.reset()
    await pass() // the outbox owns it now: the monitor sends nothing of its own
    expect(world.texts()).toHaveLength(0)
  })
})
