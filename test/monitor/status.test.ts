import {describe, expect, it} from 'vitest'

import {FileMonitorStore} from '../../src/store/file/file-monitor-store.js'
import {terminalProgress} from '../../src/monitor/progress.js'
import {monitorStatusSections, statusRows, statusTable} from '../../src/monitor/status.js'
import type {MonitorState} from '../../src/store/monitor-state.js'
import {tempDir} from '../throttle/helpers.js'
import {monitorsFrom, T0} from './helpers.js'

const state: MonitorState = {
  version: 1,
  checks: {
    api: {status: 'up', since: T0 - 3 * 3_600_000, failures: 0, successes: 40, streakSince: T0 - 3 * 3_600_000, last: {ok: true, at: T0 - 60_000, durationMs: 120, message: '200 OK'}, target: 'http GET https://api.example.com/health', channel: 'health'},
    db: {status: 'down', since: T0 - 7 * 60_000, failures: 5, successes: 0, streakSince: T0 - 7 * 60_000, last: {ok: false, at: T0 - 60_000, durationMs: 2, message: 'connection refused (10.0.0.5:5432)'}, target: 'tcp 10.0.0.5:5432', channel: 'health', lastAlertAt: T0 - 5 * 60_000},
    legacy: {status: 'up', since: T0 - 86_400_000 * 2, failures: 0, successes: 1, streakSince: T0 - 86_400_000 * 2, last: {ok: true, at: T0 - 86_400_000 * 2, durationMs: 1, message: 'connected'}, target: 'tcp old:1', channel: 'health'},
  },
  lastPass: {at: T0 - 60_000, durationMs: 1250, checks: 3, down: ['db'], host: 'mon-1'},
}

describe('monitor status', () => {
  it('shows the file\'s checks in order (pending ones too), then those only the state knows', async () => {
    const {config} = await monitorsFrom(`
checks:
  - {name: api, type: http, url: "https://api.example.com/health"}
  - {name: db, type: tcp, host: 10.0.0.5, port: 5432}
  - {name: queue, type: command, run: ["true"]}
`)
    expect(statusTable(statusRows(state, config.checks), state, T0)).toEqual([
      'CHECK   STATUS   SINCE                             LAST CHECK               DETAIL',
      'api     up       11:00:00 UTC (3h 00m)             13:59:00 UTC             200 OK',
      'db      DOWN     13:53:00 UTC (7m 00s)             13:59:00 UTC             connection refused (10.0.0.5:5432) (5 failures in a row)',
      'queue   pending  -                                 -                        not run yet',
      'legacy  up       2025-05-30 14:00:00 UTC (2d 00h)  2025-05-30 14:00:00 UTC  connected [not in the monitors file]',
      '',
      'legacy is not in the monitors file: fastpay-tg monitor forget legacy removes its state',
      '',
      'last pass 13:59:00 UTC on mon-1: 3 checks in 1.25s, 1 down (db)',
    ])
  })

  it('gives /status the last pass and what is down, read from the state file each time', async () => {
    const store = new FileMonitorStore({dir: tempDir('fastpay-tg-status-')})
    const sections = monitorStatusSections({store, now: () => T0})
    expect(await sections()).toEqual([])
    await store.writeState(state)
    expect(await sections()).toEqual([
      'Monitor: last pass 13:59:00 UTC, 3 checks, 1 down',
      '• db: down since 13:53:00 UTC (7m 00s): connection refused (10.0.0.5:5432)',
    ])
  })
})

describe('progress', () => {
  it('draws on a terminal once the pass has run a second, at most every 100 ms and always the last, then clears its line', () => {
    const written: string[] = []
    let now = 0
    const progress = terminalProgress({isTTY: true, write: (text: string) => written.push(text)}, {now: () => now})!
    progress.update(1, 10)
    expect(written).toEqual([])
    now = 1000
    for (const done of [2, 3, 4]) {
      progress.update(done, 5)
      now += 60
    }
    progress.update(5, 5)
    progress.end()
    expect(written).toEqual(['\r\u001b[2Kmonitor: 2/5 checks done', '\r\u001b[2Kmonitor: 4/5 checks done', '\r\u001b[2Kmonitor: 5/5 checks done', '\r\u001b[2K'])
  })

  it('leaves no trace of a pass quicker than a second', () => {
    const written: string[] = []
    const progress = terminalProgress({isTTY: true, write: (text: string) => written.push(text)}, {now: () => 0})!
    progress.update(3, 3)
    progress.end()
    expect(written).toEqual([])
  })

  it('is silent when not a terminal', () => {
    expect(terminalProgress({isTTY: false, write: () => undefined})).toBeUndefined()
  })
})
