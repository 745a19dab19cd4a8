import {hostname} from 'node:os'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {type FlipServer, monitorsFrom, startFlipServer, useMonitorWorld} from './helpers.js'

const world = useMonitorWorld()
let server: FlipServer
beforeEach(async () => {
  server = await startFlipServer()
})
afterEach(() => server.close())

async function apiCheck(extra = '') {
  const {config} = await monitorsFrom(`
defaults: {failure-threshold: 3, success-threshold: 2, timeout: 20s}
checks:
  - name: api
    type: http
    url: ${server.url}/health
    expect: {status: 200, body-contains: '"ok"'}
${extra}`)
  return config.checks
}

describe('monitor pass thresholds against an endpoint that flips between 200, 500 and hanging', () => {
  it('alerts once after N failures in a row, stays quiet while down, and sends one recovery with the downtime', async () => {
    const checks = await apiCheck()
    // Only the pass whose request hangs is meant to time out, so only it gets a short limit: with 150 ms for every
    // pass, a loaded machine made the first 200 OK time out, and the check went down a minute early.
    const hanging = checks.map((check) => ({...check, timeoutMs: 150}))
    const steps: Array<[string, string]> = []
    const run = async (answer: FlipServer['answer']) => {
      server.answer = answer
      const report = await world.pass(answer === 'hang' ? hanging : checks)
      const [api] = report.checks
      steps.push([`${api!.status}${api!.change ? ` -> ${api!.change}` : ''}`, api!.message])
      return report
    }
    await run('ok') // 14:00 up
    await run('error') // 14:01 failure 1
    await run('error') // 14:02 failure 2
    expect(world.texts()).toEqual([])
    const down = await run('hang') // 14:03 failure 3: down since 14:01
    expect(down.alerts.map((alert) => [alert.status, alert.event, alert.checks])).toEqual([['sent', 'down', ['api']]])
    await run('error') // 14:04 still down: no alert
    await run('ok') // 14:05 success 1 of 2
    expect(world.texts()).toHaveLength(1)
    await run('ok') // 14:06 up again since 14:05
    await run('ok')

    expect(steps).toEqual([
      ['up', '200 OK'],
      ['up', 'status 500 Internal Server Error, expected 200'],
      ['up', 'status 500 Internal Server Error, expected 200'],
      ['down -> down', 'timed out after 150ms'],
      ['down', 'status 500 Internal Server Error, expected 200'],
      ['down', '200 OK'],
      ['up -> up', '200 OK'],
      ['up', '200 OK'],
    ])
    expect(world.texts()).toEqual([
      `❌ api is down\ncheck: http GET ${server.url}/health\nerror: timed out after 150ms\nfailing since: 14:01:00 UTC (3 failed checks)\n\n${hostname()} · 2025-06-01T14:03:00Z`,
      `ℹ️ api is up again\ncheck: http GET ${server.url}/health\ndown for: 4m 00s\nnow: 200 OK\n\n${hostname()} · 2025-06-01T14:06:00Z`,
    ])
    expect(server.hits).toBe(8)
  })

  it('keeps the state between passes in the state file, and records every result and change in the history', async () => {
    const checks = await apiCheck()
    for (const answer of ['error', 'error', 'error', 'ok', 'ok'] as const) {
      server.answer = answer
      await world.pass(checks, {})
    }
    const {state} = await world.store.readState()
    expect(state.checks.api).toMatchObject({status: 'up', since: Date.parse('2025-06-01T14:03:00Z'), failures: 0, successes: 2, channel: 'health'})
    const {records} = await world.store.readHistory(0, Number.MAX_SAFE_INTEGER)
    expect(records.map((record) => (record.type === 'result' ? `result ${record.ok}` : record.type === 'change' ? `change ${record.to}` : record.type === 'alert' ? `alert ${record.event} ${record.status}` : `forget ${record.check}`))).toEqual([
      'result false',
      'result false',
      'result false',
      'change down',
      'alert down sent',
      'result true',
      'result true',
      'change up',
      'alert recovered sent',
    ])
  })

  it('does not alert on recovery when send-on-resolved is false, and reminds while down at most every reminder-interval', async () => {
    const {config} = await monitorsFrom(`
checks:
  - name: api
    type: http
    url: ${server.url}/health
    failure-threshold: 1
    reminder-interval: 2m
    send-on-resolved: false
`)
    server.answer = 'error'
    for (let pass = 0; pass < 5; pass++) await world.pass(config.checks) // 14:00 down, reminders at 14:02 and 14:04
    server.answer = 'ok'
    await world.pass(config.checks)
    expect(world.texts().map((text) => text.split('\n')[0])).toEqual(['❌ api is down', '❌ api is still down', '❌ api is still down'])
    expect(world.texts()[1]).toContain('down for: 2m 00s')
  })
})
