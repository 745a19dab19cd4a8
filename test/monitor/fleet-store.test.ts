// The fleet pieces on the file backends of the shared store (no Redis needed): the store contract, the quorum gate,
// and `quorum:` in the monitors file. The same code on Redis runs in fleet-processes.test.ts.
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import type {RanCheck} from '../../src/monitor/apply-results.js'
import type {CheckSpec} from '../../src/monitor/check-spec.js'
import {applyQuorum, hostViewLines, readHostViews, recordHostView} from '../../src/monitor/fleet/index.js'
import {SharedMonitorStore} from '../../src/store/shared-monitor-store.js'
import {emptyState, type HistoryRecord, StateLockTimeout} from '../../src/store/monitor-state.js'
import {FileHistory} from '../../src/store/file/file-history.js'
import {FileKeyValue} from '../../src/store/file/file-key-value.js'
import {FileLockStore} from '../../src/store/file/file-lock-store.js'
import {tempDir} from '../throttle/helpers.js'
import {MINUTE, monitorsFrom, T0} from './helpers.js'

function sharedBackends(holder = 'host-a/1') {
  const dir = tempDir('fastpay-tg-fleet-store-')
  return {
    kv: new FileKeyValue({dir: join(dir, 'state')}),
    lock: new FileLockStore({dir: join(dir, 'locks'), holder}),
    history: new FileHistory({dir: join(dir, 'history')}),
  }
}

const noSleep = async () => {}

describe('SharedMonitorStore', () => {
  it('keeps the state and the history, oldest first, within the range asked', async () => {
    const store = new SharedMonitorStore({...sharedBackends(), sleep: noSleep})
    expect(await store.readState()).toEqual({state: emptyState(), warnings: []})
    const state = {...emptyState(), lastPass: {at: T0, durationMs: 12, checks: 1, down: [], host: 'host-a'}}
    await store.writeState(state)
    expect(await store.readState()).toEqual({state, warnings: []})

    const records: HistoryRecord[] = [
      {type: 'result', at: T0, check: 'api', ok: true, ms: 5, host: 'host-a'},
      {type: 'result', at: T0 + MINUTE, check: 'api', ok: false, ms: 7, error: 'refused', host: 'host-b'},
      {type: 'change', at: T0 + MINUTE, check: 'api', to: 'down', since: T0 + MINUTE},
    ]
    await store.appendHistory(records)
    expect(await store.readHistory(T0 + 1, T0 + 2 * MINUTE)).toEqual({records: records.slice(1), warnings: []})
    expect((await store.readHistory(0, Infinity)).records).toEqual(records)
  })

  it('lets one pass at a time hold the state lock, and times out naming the holder', async () => {
    const backends = sharedBackends()
    const first = new SharedMonitorStore({...backends, sleep: noSleep})
    const second = new SharedMonitorStore({...backends, lockTimeoutMs: 100, retryDelayMs: 20, sleep: noSleep})
    const inner = await first.withStateLock(async () => second.withStateLock(async () => 'never').catch((error: Error) => error))
    expect(inner).toBeInstanceOf(StateLockTimeout)
    expect((inner as Error).message).toBe('another monitor pass (host-a/1) held the shared lock monitor/state for too long')
    // Released after the action: the next pass gets it at once.
    expect(await second.withStateLock(async () => 'ran')).toBe('ran')
  })
})

function ran(name: string, ok: boolean, startedAt: number, quorum?: number): RanCheck {
  const check = {name, intervalMs: MINUTE, ...(quorum === undefined ? {} : {quorum})} as CheckSpec
  return {check, target: 'http GET http://127.0.0.1/health', result: {ok, startedAt, durationMs: 3, message: ok ? '200 OK' : 'refused'}}
}

describe('applyQuorum', () => {
  it('holds back a failure until the quorum of hosts saw it in the same interval, and orders results by interval', async () => {
    const {kv} = sharedBackends()
    const [a] = await applyQuorum([ran('api', false, T0 + 1000, 2)], {kv, host: 'host-a'})
    expect([a!.applyAt, a!.belowQuorum]).toEqual([undefined, {failing: 1, quorum: 2}])
    // A passing host is counted as passing, ordered at the interval's start.
    const [b] = await applyQuorum([ran('api', true, T0 + 2000, 2)], {kv, host: 'host-b'})
    expect([b!.applyAt, b!.belowQuorum]).toEqual([T0, undefined])
    const [c] = await applyQuorum([ran('api', false, T0 + 3000, 2)], {kv, host: 'host-c'})
    expect([c!.applyAt, c!.belowQuorum]).toEqual([T0 + 1, undefined])
    // The next interval starts counting afresh.
    const [next] = await applyQuorum([ran('api', false, T0 + MINUTE, 2)], {kv, host: 'host-c'})
    expect(next!.belowQuorum).toEqual({failing: 1, quorum: 2})
    expect((await kv.list('monitor/seen/api/')).map(({key, value}) => [key, value])).toEqual([
      [`monitor/seen/api/${T0}/host-a`, {ok: false, at: T0 + 1000, message: 'refused'}],
      [`monitor/seen/api/${T0}/host-b`, {ok: true, at: T0 + 2000, message: '200 OK'}],
      [`monitor/seen/api/${T0}/host-c`, {ok: false, at: T0 + 3000, message: 'refused'}],
      [`monitor/seen/api/${T0 + MINUTE}/host-c`, {ok: false, at: T0 + MINUTE, message: 'refused'}],
    ])
  })

  it('without a quorum counts every failure and records no observations', async () => {
    const {kv} = sharedBackends()
    const [result] = await applyQuorum([ran('api', false, T0 + 1000)], {kv, host: 'host-a'})
    expect([result!.applyAt, result!.belowQuorum]).toEqual([T0 + 1, undefined])
    expect(await kv.list('monitor/')).toEqual([])
  })
})

describe('host views', () => {
  it('keeps each host\'s last pass and prints a line per host', async () => {
    const {kv} = sharedBackends()
    const check = {name: 'api', status: 'up' as const, durationMs: 3, startedAt: T0}
    await recordHostView(kv, {host: 'web-2', at: T0 + 1000, checks: [{...check, ok: true, message: '200 OK'}]})
    await recordHostView(kv, {host: 'web-1', at: T0, checks: [{...check, ok: false, message: 'refused', belowQuorum: {failing: 1, quorum: 2}}]})
    expect(hostViewLines(await readHostViews(kv), T0 + 5000)).toEqual([
      '',
      'hosts (shared store):',
      '  web-1  last pass 14:00:00 UTC: api FAIL (refused)',
      '  web-2  last pass 14:00:01 UTC: api ok',
    ])
  })
})

describe('quorum in the monitors file', () => {
  it('is taken from the check, else defaults:, else the top level, and absent by default', async () => {
    const {config} = await monitorsFrom(
      'quorum: 2\ndefaults: {quorum: 3}\nchecks:\n  - {name: a, type: tcp, host: 127.0.0.1, port: 1, quorum: 1}\n  - {name: b, type: tcp, host: 127.0.0.1, port: 1}\n',
    )
    expect(config.checks.map((check) => check.quorum)).toEqual([1, 3])
    const top = await monitorsFrom('quorum: 2\nchecks:\n  - {name: a, type: tcp, host: 127.0.0.1, port: 1}\n')
    expect(top.config.checks[0]!.quorum).toBe(2)
    const none = await monitorsFrom('checks:\n  - {name: a, type: tcp, host: 127.0.0.1, port: 1}\n')
    expect(none.config.checks[0]!.quorum).toBeUndefined()
  })

  it('refuses a quorum that is not a positive integer', async () => {
    await expect(monitorsFrom('quorum: 0\nchecks: []\n')).rejects.toThrow(/^monitors.yml: quorum: expected a positive integer, got 0$/)
  })
})
