// A waiter gives up on a lock only when one holder keeps it too long: a queue of runs taking their turns is waited
// out, however long the queue (50 cron runs of one key on a loaded machine once gave up after 30 s and sent
// unthrottled duplicates).
import {type ChildProcess, spawn} from 'node:child_process'
import {existsSync, unlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {LockTimeoutError, withKeyLock} from '../../src/support/key-lock.js'
import {tempDir} from '../throttle/helpers.js'

let holders: ChildProcess[]
beforeAll(() => {
  holders = [spawn('sleep', ['60']), spawn('sleep', ['60'])]
})
afterAll(() => {
  for (const holder of holders) holder.kill()
})

/** A clock that moves 100 ms each time the waiter sleeps; `onSleep` plays the other runs between two attempts. */
function fakeTime(onSleep: (sleeps: number) => void) {
  let sleeps = 0
  return {
    now: () => sleeps * 100,
    sleep: async () => {
      sleeps++
      onSleep(sleeps)
    },
  }
}

describe('withKeyLock', () => {
  it('waits on while the lock changes hands, for longer in all than timeoutMs, and then takes it', async () => {
    const lockPath = join(tempDir(), 'k.lock')
    writeFileSync(lockPath, `${holders[0]?.pid}\n`)
    let holdings = 1
    // Each holder keeps the lock 400 ms of the 1,000 allowed and hands it on; the sixth leaves it free at 2.4 s.
    const time = fakeTime((sleeps) => {
      if (sleeps % 4 !== 0) return
      unlinkSync(lockPath)
      if (holdings < 6) writeFileSync(lockPath, `${holders[holdings++ % 2]?.pid}\n`)
    })
    const tookItAt = await withKeyLock(lockPath, async () => time.now(), {timeoutMs: 1_000, ...time})
    expect(holdings).toBe(6)
    expect(tookItAt).toBe(2_400)
    expect(existsSync(lockPath)).toBe(false)
  })

  it('gives up when one holder keeps the lock for timeoutMs, naming its pid, and leaves its lock alone', async () => {
    const lockPath = join(tempDir(), 'k.lock')
    writeFileSync(lockPath, `${holders[0]?.pid}\n`)
    const time = fakeTime(() => undefined)
    const error = await withKeyLock(lockPath, async () => 'ran', {timeoutMs: 1_000, ...time}).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(LockTimeoutError)
    expect(error).toMatchObject({ownerPid: holders[0]?.pid})
    expect(time.now()).toBe(1_000)
    expect(existsSync(lockPath)).toBe(true)
  })
})
