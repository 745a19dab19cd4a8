import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {describeFailure} from '../../src/describe-failure.js'
import {deliveredMarkPath} from '../../src/store/file/delivered-marks.js'
import {FileOutbox, type OutboxEntry} from '../../src/store/index.js'
import {registerSecret} from '../../src/redact.js'
import {deadPid, tempDir} from '../throttle/helpers.js'
import {recorder, spoolText} from './outbox-helpers.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')

function newOutbox(dir = tempDir('fastpay-tg-outbox-')) {
  return new FileOutbox({dir, now: () => T0})
}


// What only the file outbox has: its files, a state dir it cannot write, creation-time order, and
// claims by pid. Spooling, listing and flushing as both backends do them: outbox-contract.test.ts.
describe('FileOutbox files', () => {
  it('writes one private JSON file per entry, named by its id, holding the entry as spooled (token masked)', async () => {
    const token = '700000009:AAE-outbox_secret_token_0123456789ab'
    registerSecret(token)
    const outbox = newOutbox()
    const entry = await outbox.spool({bot: 'alerts', chatIds: [42], message: {text: 'first', parseMode: 'HTML'}, lastError: `Call failed for bot${token}`})
    const path = join(outbox.dir, `${entry.id}.json`)
    expect(readdirSync(outbox.dir)).toEqual([`${entry.id}.json`])
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(entry)
    expect(readFileSync(path, 'utf8')).not.toContain(token)
  })

  it('refuses an outbox dir it cannot write with one line naming the dir, the flag and the variable', async () => {
    const blocker = join(tempDir(), 'state')
    writeFileSync(blocker, '')
    const dir = join(blocker, 'outbox')
    const error = await spoolText(new FileOutbox({dir}), 'x', T0).then(
      () => new Error('expected a rejection'),
      (caught: Error) => caught,
    )
    expect(error.message).toBe(
      `state dir "${dir}" is not writable (ENOTDIR): choose another with --state-dir or FASTPAY_TG_STATE_DIR`,
    )
    expect(describeFailure(error).exitCode).toBe(2)
  })

  it('lists nothing, and creates nothing, when the outbox does not exist', async () => {
    const dir = join(tempDir(), 'outbox')
    expect(await new FileOutbox({dir}).list()).toEqual({items: [], warnings: []})
    expect(existsSync(dir)).toBe(false)
  })

  // Redis delivers in the order spooled; files sort by name, the creation time first.
  it('delivers by creation time, whatever the order spooled', async () => {
    const outbox = newOutbox()
    await spoolText(outbox, 'c', T0 + 2, [1, 2])
    await spoolText(outbox, 'a', T0)
    await spoolText(outbox, 'b', T0 + 1)
    const {sent, deliver} = recorder()
    await outbox.flush(deliver)
    expect(sent).toEqual([
      {text: 'a', chatId: 1},
      {text: 'b', chatId: 1},
      {text: 'c', chatId: 1},
      {text: 'c', chatId: 2},
    ])
  })
})

describe('FileOutbox claims left behind', () => {
  async function claimedBy(outbox: FileOutbox, pid: number, claimedAt: number): Promise<OutboxEntry> {
    const entry = await spoolText(outbox, 'claimed', T0)
    mkdirSync(join(outbox.dir, 'claimed'), {recursive: true})
    renameSync(join(outbox.dir, `${entry.id}.json`), join(outbox.dir, 'claimed', `${entry.id}.${pid}.${claimedAt}.claim`))
    return entry
  }

  it('takes back a claim whose flush died, and delivers it', async () => {
    const outbox = newOutbox()
    const pid = await deadPid()
    const entry = await claimedBy(outbox, pid, T0)
    expect((await outbox.list()).items).toMatchObject([{entry: {id: entry.id}, claimedBy: pid}])
    const {sent, deliver} = recorder()
    const report = await outbox.flush(deliver)
    expect(report.warnings).toEqual([`outbox entry ${entry.id} was left claimed by pid ${pid}; it waits again`])
    expect(sent).toEqual([{text: 'claimed', chatId: 1}])
  })

  it('takes back a claim carrying our own pid that this process does not hold (a container reusing pids)', async () => {
    const outbox = newOutbox()
    await claimedBy(outbox, process.pid, T0)
    const {sent, deliver} = recorder()
    await outbox.flush(deliver)
    expect(sent).toHaveLength(1)
  })

  it('an unreadable claim is listed with a warning, and set aside once its claimer is gone (a live one keeps it)', async () => {
    const holder = spawn('sleep', ['30'])
    try {
      const outbox = newOutbox()
      const pid = await deadPid()
      const claims = await Promise.all([pid, holder.pid!].map(async (by) => {
        const entry = await claimedBy(outbox, by, T0)
        const claim = join(outbox.dir, 'claimed', `${entry.id}.${by}.${T0}.claim`)
        // What a disk that lost the end of the file leaves.
        writeFileSync(claim, readFileSync(claim, 'utf8').slice(0, 40))
        return {id: entry.id, claim}
      }))
      const [dead, live] = claims as [{id: string; claim: string}, {id: string; claim: string}]
      const unreadable = (claim: string, by: number) => `outbox entry ${claim} is unreadable (not JSON); the next flush sets it aside once pid ${by} is gone`
      const listed = await outbox.list()
      expect(listed.items).toEqual([])
      expect(listed.warnings.sort()).toEqual([unreadable(dead.claim, pid), unreadable(live.claim, holder.pid!)].sort())
      const aside = join(outbox.dir, 'corrupt', `${dead.id}.json`)
      expect(await outbox.setAsideUnreadable()).toEqual([`outbox entry ${dead.claim} (left claimed by pid ${pid}) was unreadable; set aside as ${aside}`])
      expect(readFileSync(aside, 'utf8')).toHaveLength(40)
      expect(readdirSync(join(outbox.dir, 'claimed'))).toEqual([live.claim.split('/').at(-1)])
      expect(await outbox.list()).toEqual({items: [], warnings: [unreadable(live.claim, holder.pid!)]})
    } finally {
      holder.kill()
    }
  })

  it('leaves a live flush its claim until the timeout', async () => {
    const holder = spawn('sleep', ['30'])
    try {
      let now = T0
      const outbox = new FileOutbox({dir: tempDir(), now: () => now, claimTimeoutMs: 60_000})
      await claimedBy(outbox, holder.pid!, T0)
      const {sent, deliver} = recorder()
      expect(await outbox.flush(deliver)).toEqual({entries: [], waiting: 1, warnings: []})
      now = T0 + 60_001
      await outbox.flush(deliver)
      expect(sent).toHaveLength(1)
    } finally {
      holder.kill()
    }
  })
})


// A flush that delivers a waiting entry with a throttle key leaves a mark (deliveredMark); the Redis store's expire.
describe('FileOutbox delivered marks', () => {
  const DAY = 24 * 3600 * 1000
  const NOW = T0 + 40 * DAY
  const markOf = (dir: string, key: string) => deliveredMarkPath(dir, 'alerts', key)
  const write = (path: string, markedAt: number) => {
    mkdirSync(join(path, '..'), {recursive: true})
    writeFileSync(path, String(markedAt))
  }

  it('a flush that marks a key removes the marks no throttle window reaches (30 days), and what killed processes left', async () => {
    const outbox = new FileOutbox({dir: tempDir('fastpay-tg-outbox-'), now: () => NOW})
    const delivered = join(outbox.dir, 'delivered')
    const [old, young, edge] = [markOf(outbox.dir, 'alerts:old'), markOf(outbox.dir, 'alerts:young'), markOf(outbox.dir, 'alerts:edge')]
    write(old, NOW - 31 * DAY)
    write(young, NOW - DAY)
    write(edge, NOW - 30 * DAY)
    const pid = await deadPid()
    // A pruner killed after taking a mark aside: a fresh one goes back, a stale one goes.
    const takenFresh = markOf(outbox.dir, 'alerts:taken-fresh')
    const takenStale = markOf(outbox.dir, 'alerts:taken-stale')
    write(join(delivered, `.${takenFresh.split('/').at(-1)}.${pid}.pruning`), NOW - 3600_000)
    write(join(delivered, `.${takenStale.split('/').at(-1)}.${pid}.pruning`), NOW - 32 * DAY)
    writeFileSync(join(delivered, `.${old.split('/').at(-1)}.${pid}.0a1b2c.tmp`), '1')

    await outbox.spool({bot: 'alerts', chatIds: [1], message: {text: 'disk', parseMode: 'HTML'}, throttleKey: 'alerts:Disk', createdAt: new Date(NOW - 10_000), lastError: 'down'})
    const {sent, deliver} = recorder()
    await outbox.flush(deliver)
    expect(sent).toEqual([{text: 'disk', chatId: 1}])

    const disk = markOf(outbox.dir, 'alerts:Disk')
    expect(readdirSync(delivered).sort()).toEqual([disk, young, edge, takenFresh].map((path) => path.split('/').at(-1)).sort())
    expect(readFileSync(takenFresh, 'utf8')).toBe(String(NOW - 3600_000))
    expect(await outbox.pendingSince('alerts', 'alerts:Disk', NOW - 60_000)).toBe(NOW - 10_000)
    expect(await outbox.pendingSince('alerts', 'alerts:young', NOW - 2 * DAY)).toBe(NOW - DAY)
    expect(await outbox.pendingSince('alerts', 'alerts:old', NOW - 40 * DAY)).toBeUndefined()
  })

  it('a pruning that fails (here a directory where a mark should be) leaves the delivery as it was: entry gone, mark kept', async () => {
    const outbox = new FileOutbox({dir: tempDir('fastpay-tg-outbox-'), now: () => NOW})
    mkdirSync(markOf(outbox.dir, 'alerts:odd'), {recursive: true})
    await outbox.spool({bot: 'alerts', chatIds: [1], message: {text: 'disk', parseMode: 'HTML'}, throttleKey: 'alerts:Disk', createdAt: new Date(NOW - 10_000), lastError: 'down'})
    const {sent, deliver} = recorder()
    expect(await outbox.flush(deliver)).toMatchObject({waiting: 0, warnings: []})
    expect(sent).toHaveLength(1)
    expect((await outbox.list()).items).toEqual([])
    expect(await outbox.pendingSince('alerts', 'alerts:Disk', NOW - 60_000)).toBe(NOW - 10_000)
  })

  it('deliveredMemoryMs sets how long a mark is kept', async () => {
    const outbox = new FileOutbox({dir: tempDir('fastpay-tg-outbox-'), now: () => NOW, deliveredMemoryMs: 3600_000})
    write(markOf(outbox.dir, 'alerts:young'), NOW - 2 * 3600_000)
    await outbox.spool({bot: 'alerts', chatIds: [1], message: {text: 'disk', parseMode: 'HTML'}, throttleKey: 'alerts:Disk', createdAt: new Date(NOW - 10_000), lastError: 'down'})
    await outbox.flush(recorder().deliver)
    expect(readdirSync(join(outbox.dir, 'delivered'))).toEqual([markOf(outbox.dir, 'alerts:Disk').split('/').at(-1)])
  })
})
