import {describe, expect, it} from 'vitest'

import type {CheckSpec, MonitorConfig} from '../../src/monitor/check-spec.js'
import type {PassReport} from '../../src/monitor/run-pass.js'
import {watchMonitors} from '../../src/monitor/watch.js'
import {monitorsFrom, T0} from './helpers.js'

async function config(): Promise<MonitorConfig> {
  return (
    await monitorsFrom(`
checks:
  - {name: fast, type: tcp, host: 127.0.0.1, port: 1, interval: 1m}
  - {name: slow, type: tcp, host: 127.0.0.1, port: 1, interval: 5m}
`)
  ).config
}

const emptyReport = (): PassReport => ({checks: [], alerts: [], evaluated: true, warnings: [], startedAt: 0, checksMs: 0, durationMs: 0, pruned: []})

describe('monitor watch', () => {
  it('runs each check on its interval, batching the checks due together, until stopped', async () => {
    const loaded = await config()
    let now = T0
    const stop = new AbortController()
    const passes: Array<[number, string[]]> = []
    const sleeps: number[] = []
    const {passes: count} = await watchMonitors({
      load: async () => loaded,
      pass: async (checks: CheckSpec[]) => {
        passes.push([(now - T0) / 60_000, checks.map((check) => check.name)])
        if (passes.length === 7) stop.abort()
        return emptyReport()
      },
      signal: stop.signal,
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms)
        now += ms
      },
    })
    expect(count).toBe(7)
    expect(passes).toEqual([
      [0, ['fast', 'slow']],
      [1, ['fast']],
      [2, ['fast']],
      [3, ['fast']],
      [4, ['fast']],
      [5, ['fast', 'slow']],
      [6, ['fast']],
    ])
    expect(sleeps).toEqual([60_000, 60_000, 60_000, 60_000, 60_000, 60_000])
  })

  it('keeps watching with the last good file when a reload fails, and says so once', async () => {
    const loaded = await config()
    let now = T0
    let loads = 0
    const stop = new AbortController()
    const problems: string[] = []
    const ran: string[][] = []
    await watchMonitors({
      load: async () => {
        loads++
        if (loads > 1) throw new Error('monitors.yml: checks[0].type: unknown check type "htp"')
        return loaded
      },
      pass: async (checks) => {
        ran.push(checks.map((check) => check.name))
        if (ran.length === 3) stop.abort()
        return emptyReport()
      },
      signal: stop.signal,
      now: () => now,
      sleep: async (ms) => void (now += ms),
      onReloadError: (message) => problems.push(message),
    })
    expect(ran).toEqual([['fast', 'slow'], ['fast'], ['fast']])
    expect(problems).toEqual(['monitors.yml: checks[0].type: unknown check type "htp"'])
  })

  it('stops during a wait when the signal aborts', async () => {
    const loaded = await config()
    const stop = new AbortController()
    let passes = 0
    const result = await watchMonitors({
      load: async () => loaded,
      pass: async () => {
        passes++
        setTimeout(() => stop.abort(), 0)
        return emptyReport()
      },
      signal: stop.signal,
    })
    expect({result, passes}).toEqual({result: {passes: 1}, passes: 1})
  })
})
