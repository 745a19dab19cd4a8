import {hostname} from 'node:os'
import {describe, expect, it} from 'vitest'

import {closedPort} from '../api/fixture.js'
import {monitorsFrom, startFlipServer, useMonitorWorld} from './helpers.js'

const world = useMonitorWorld()

describe('alerts of one pass', () => {
  it('sends one grouped alert naming every check that went down in the pass; one that recovers alone gets its own notice', async () => {
    const server = await startFlipServer()
    const [db, cache] = [await closedPort(), await closedPort()]
    try {
      const {config} = await monitorsFrom(`
defaults: {failure-threshold: 1}
checks:
  - {name: api, type: http, url: "${server.url}/health", severity: critical}
  - {name: db, type: tcp, host: 127.0.0.1, port: ${db}}
  - {name: cache, type: tcp, host: 127.0.0.1, port: ${cache}}
  - {name: queue, type: command, run: ["true"]}
`)
      server.answer = 'error'
      const report = await world.pass(config.checks)
      expect(report.alerts.map((alert) => [alert.status, alert.event, alert.checks])).toEqual([['sent', 'down', ['api', 'db', 'cache']]])
      expect(world.texts()).toEqual([
        [
          '🚨 3 checks are down',
          'api: status 500 Internal Server Error, expected 2xx (since 14:00:00 UTC)',
          `db: connection refused (127.0.0.1:${db}) (since 14:00:00 UTC)`,
          `cache: connection refused (127.0.0.1:${cache}) (since 14:00:00 UTC)`,
          '',
          `${hostname()} · 2025-06-01T14:00:00Z`,
        ].join('\n'),
      ])
      server.answer = 'ok'
      await world.pass(config.checks)
      await world.pass(config.checks)
      expect(world.texts()).toHaveLength(2)
      expect(world.texts()[1]).toBe(`ℹ️ api is up again\ncheck: http GET ${server.url}/health\ndown for: 1m 00s\nnow: 200 OK\n\n${hostname()} · 2025-06-01T14:01:00Z`)
    } finally {
      await server.close()
    }
  })

  it('groups per channel: checks of two channels going down together get one alert each', async () => {
    const [a, b, c] = [await closedPort(), await closedPort(), await closedPort()]
    const {config} = await monitorsFrom(`
defaults: {failure-threshold: 1}
checks:
  - {name: db, type: tcp, host: 127.0.0.1, port: ${a}}
  - {name: cache, type: tcp, host: 127.0.0.1, port: ${b}}
  - {name: payments, type: tcp, host: 127.0.0.1, port: ${c}, channel: alerts}
`)
    const report = await world.pass(config.checks)
    expect(report.alerts.map((alert) => [alert.channel, alert.checks])).toEqual([
      ['health', ['db', 'cache']],
      ['alerts', ['payments']],
    ])
    expect(world.texts().map((text) => text.split('\n')[0])).toEqual(['❌ 2 checks are down', '❌ payments is down'])
  })

  it('groups a channel named in any case as one: health and Health are the same bot', async () => {
    const [a, b] = [await closedPort(), await closedPort()]
    const {config} = await monitorsFrom(`
defaults: {failure-threshold: 1}
checks:
  - {name: db, type: tcp, host: 127.0.0.1, port: ${a}}
  - {name: cache, type: tcp, host: 127.0.0.1, port: ${b}, channel: Health}
`)
    const report = await world.pass(config.checks)
    expect(report.alerts.map((alert) => [alert.channel, alert.checks])).toEqual([['health', ['db', 'cache']]])
    expect(world.texts().map((text) => text.split('\n')[0])).toEqual(['❌ 2 checks are down'])
  })

  it('applies a result older than the one the state holds (an overlapping pass finished first) to nothing', async () => {
    const port = await closedPort()
    const {config} = await monitorsFrom(`checks:\n  - {name: db, type: tcp, host: 127.0.0.1, port: ${port}, failure-threshold: 1}`)
    world.clock.now += 5 * 60_000
    await world.pass(config.checks)
    world.clock.now -= 3 * 60_000
    const late = await world.pass(config.checks)
    expect(late.checks.map((check) => [check.name, check.stale, check.status])).toEqual([['db', true, 'down']])
    expect(late.alerts).toEqual([])
    expect(world.texts()).toHaveLength(1)
    const {records} = await world.store.readHistory(0, Infinity)
    expect(records.filter((record) => record.type === 'result')).toHaveLength(2)
  })
})
