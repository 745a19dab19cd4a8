import {spawn} from 'node:child_process'
import {chmodSync, existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {describeFailure} from '../../src/describe-failure.js'
import {FileThrottle} from '../../src/store/file/file-throttle.js'
import {deadPid, tempDir} from './helpers.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')
const WINDOW = 60

function throttleIn(dir = tempDir()) {
  return new FileThrottle({dir})
}

// What only the file throttle has: its files, and recovering them. Deciding, muting, releasing and peeking as both
// backends do them: test/store/throttle-contract.test.ts.
describe('FileThrottle files', () => {
  it('keeps keys apart, one file per key named by its hash', async () => {
    const dir = tempDir()
    const throttle = throttleIn(dir)
    await throttle.decide('alerts:disk', WINDOW, T0)
    expect(await throttle.decide('alerts:cpu', WINDOW, T0)).toMatchObject({send: true})
    expect(readdirSync(dir).sort()).toEqual([
      `${throttle.pathFor('alerts:cpu').slice(dir.length + 1)}`,
      `${throttle.pathFor('alerts:disk').slice(dir.length + 1)}`,
    ].sort())
    expect(throttle.pathFor('alerts:disk')).toMatch(/\/[0-9a-f]{32}\.json$/)
    expect(JSON.parse(readFileSync(throttle.pathFor('alerts:disk'), 'utf8'))).toMatchObject({
      version: 1,
      key: 'alerts:disk',
      lastSentAt: T0,
    })
  })

  it('peek writes nothing: no file for a new key, the same bytes for a known one', async () => {
    const dir = tempDir()
    const throttle = throttleIn(dir)
    expect(await throttle.peek('k', WINDOW, T0)).toMatchObject({send: true})
    expect(readdirSync(dir)).toEqual([])
    await throttle.decide('k', WINDOW, T0)
    const before = readFileSync(throttle.pathFor('k'), 'utf8')
    expect(await throttle.peek('k', WINDOW, T0 + 5)).toMatchObject({send: false, suppressedCount: 1})
    expect(readFileSync(throttle.pathFor('k'), 'utf8')).toBe(before)
  })
})

describe('FileThrottle recovery', () => {
  it('sets a truncated state aside with a warning and starts afresh', async () => {
    const throttle = throttleIn()
    const path = throttle.pathFor('k')
    await throttle.decide('k', WINDOW, T0)
    const whole = readFileSync(path, 'utf8')
    writeFileSync(path, whole.slice(0, 25))
    const decision = await throttle.decide('k', WINDOW, T0 + 1_000)
    const aside = `${path}.corrupt-20250601T140212.000Z`
    expect(decision).toMatchObject({send: true, warnings: [`throttle state ${path} was unreadable; set aside as ${aside}`]})
    expect(readFileSync(aside, 'utf8')).toBe(whole.slice(0, 25))
    expect(await throttle.decide('k', WINDOW, T0 + 2_000)).toMatchObject({send: false, suppressedCount: 1, warnings: []})
  })

  it.each([
    ['valid JSON of another shape', '{"hello":"world"}'],
    ['the state of another key', JSON.stringify({version: 1, key: 'other', lastSentAt: 1, sendId: null, suppressed: null, previous: null, mutedUntil: null})],
    ['binary garbage', '\u0000\u0001\u0002'],
    ['an empty file', ''],
  ])('sets aside %s', async (_label, text) => {
    const throttle = throttleIn()
    const path = throttle.pathFor('k')
    await throttle.decide('k', WINDOW, T0)
    writeFileSync(path, text)
    const decision = await throttle.decide('k', WINDOW, T0 + 1_000)
    expect(decision.send).toBe(true)
    expect(decision.warnings).toEqual([`throttle state ${path} was unreadable; set aside as ${path}.corrupt-20250601T140212.000Z`])
  })

  it('recovers from a run killed mid-write: its lock, its half-written temporary file', async () => {
    const dir = tempDir()
    const throttle = new FileThrottle({dir, lock: {timeoutMs: 2_000}})
    const path = throttle.pathFor('k')
    await throttle.decide('k', WINDOW, T0)
    const pid = await deadPid()
    writeFileSync(path.replace(/\.json$/, '.lock'), `${pid}\n`)
    writeFileSync(join(dir, `.${path.slice(dir.length + 1)}.${pid}.abcdef.tmp`), '{"version":1,"key":"k","lastSe')
    expect(await throttle.decide('k', WINDOW, T0 + 1_000)).toEqual({
      send: false,
      suppressedCount: 1,
      since: new Date(T0 + 1_000),
      nextAt: new Date(T0 + 60_000),
      warnings: [],
    })
    expect(existsSync(path.replace(/\.json$/, '.lock'))).toBe(false)
  })

  it('waits for a lock whose owner still runs, then sends unthrottled rather than lose the alert', async () => {
    const holder = spawn('sleep', ['30'])
    try {
      let clock = 0
      const throttle = new FileThrottle({
        dir: tempDir(),
        lock: {timeoutMs: 1_000, now: () => clock, sleep: async (ms) => void (clock += ms)},
      })
      const lockPath = throttle.pathFor('k').replace(/\.json$/, '.lock')
      writeFileSync(lockPath, `${holder.pid}\n`)
      expect(await throttle.decide('k', WINDOW, T0)).toEqual({
        send: true,
        warnings: [`throttle state ${throttle.pathFor('k')} stayed locked by pid ${holder.pid}; sent without throttling`],
      })
      expect(readFileSync(lockPath, 'utf8')).toBe(`${holder.pid}\n`)
    } finally {
      holder.kill()
    }
  })

  it('refuses a state dir it cannot write with one line naming the dir, the flag and the variable', async () => {
    const blocker = join(tempDir(), 'not-a-dir')
    writeFileSync(blocker, '')
    const dir = join(blocker, 'throttle')
    const error = await new FileThrottle({dir}).decide('k', WINDOW, T0).then(fail, (caught: Error) => caught)
    expect(error.message).toBe(
      `state dir "${dir}" is not writable (ENOTDIR): choose another with --state-dir or FASTPAY_TG_STATE_DIR`,
    )
    expect(describeFailure(error)).toMatchObject({code: 'usage', exitCode: 2})
  })
})

describe.skipIf(process.getuid?.() === 0)('FileThrottle without write permission (not as root)', () => {
  it('refuses a read-only state dir', async () => {
    const dir = tempDir()
    chmodSync(dir, 0o500)
    const error = await new FileThrottle({dir}).decide('k', WINDOW, T0).then(fail, (caught: Error) => caught)
    expect(error.message).toBe(
      `state dir "${dir}" is not writable (EACCES): choose another with --state-dir or FASTPAY_TG_STATE_DIR`,
    )
  })
})

function fail(): never {
  throw new Error('expected otherwise')
}
