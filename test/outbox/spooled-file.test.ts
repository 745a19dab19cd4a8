// The outbox's own copies of files (`send --outbox --document`): private, checked before each delivery, removed only
// inside `<outbox>/files`, and tidied when a killed run left one behind.
import {createHash, randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {copyIntoOutbox, removeStrayCopies, STRAY_COPY_AGE_MS} from '../../src/outbox/index.js'
import {type OutboxEntry, removeSpooledFile, type SpooledMedia, spooledFileProblem, spooledFilesDirIn} from '../../src/store/index.js'
import {tempDir} from '../throttle/helpers.js'

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

function entryFor(media: SpooledMedia): OutboxEntry {
  return {version: 1, id: 'x', bot: 'reports', chatIds: [42], message: {text: '', media}, createdAt: new Date(0).toISOString(), attempts: 1}
}

async function spooledCopy(bytes = randomBytes(10_000)) {
  const outboxDir = join(tempDir(), 'outbox')
  const original = join(outboxDir, '..', 'dump.bin')
  writeFileSync(original, bytes)
  const copy = await copyIntoOutbox(outboxDir, original)
  const media: SpooledMedia = {kind: 'document', source: {path: copy.path, filename: 'dump.bin'}, size: copy.size, sha256: copy.sha256}
  return {outboxDir, original, copy, media, bytes}
}

describe('the outbox copy of a file', () => {
  it('is 0600 in a 0700 files/ dir, with the size and hash of the original; remove() takes it away, kept or not', async () => {
    const {outboxDir, copy, bytes} = await spooledCopy()
    expect(copy.path.startsWith(`${spooledFilesDirIn(outboxDir)}/`)).toBe(true)
    expect(statSync(copy.path).mode & 0o777).toBe(0o600)
    expect(statSync(spooledFilesDirIn(outboxDir)).mode & 0o777).toBe(0o700)
    expect([copy.size, copy.sha256]).toEqual([bytes.length, sha256(bytes)])
    copy.keep()
    copy.remove()
    expect(existsSync(copy.path)).toBe(false)
  })

  it('is checked before sending: whole is fine, changed or gone is a reason; a URL needs no check', async () => {
    const {copy, media} = await spooledCopy()
    expect(await spooledFileProblem(media)).toBeUndefined()
    expect(await spooledFileProblem({kind: 'photo', source: {url: 'https://example.com/a.png'}})).toBeUndefined()
    writeFileSync(copy.path, randomBytes(10_000))
    expect(await spooledFileProblem(media)).toBe(`the outbox's copy of "dump.bin" (${copy.path}) changed since it was spooled: not sent`)
    copy.remove()
    expect(await spooledFileProblem(media)).toBe(`the outbox's copy of "dump.bin" (${copy.path}) is gone: not sent`)
  })

  it('is removed with its entry, but a path outside files/ (the user\'s own file) never is', async () => {
    const {outboxDir, original, copy, media} = await spooledCopy()
    await removeSpooledFile({...media, source: {path: original, filename: 'dump.bin'}}, outboxDir)
    expect(existsSync(original)).toBe(true)
    await removeSpooledFile(media, outboxDir)
    expect(existsSync(copy.path)).toBe(false)
  })

  it('a stray copy (no entry refers to it) goes once it is a day old; referenced or recent copies stay', async () => {
    const {outboxDir, copy, media} = await spooledCopy()
    const dir = spooledFilesDirIn(outboxDir)
    const stray = join(dir, 'left-by-a-killed-run')
    writeFileSync(stray, 'bytes')
    const now = Date.now() + STRAY_COPY_AGE_MS + 60_000
    const recent = join(dir, 'being-sent-now')
    writeFileSync(recent, 'bytes')
    utimesSync(recent, new Date(now - 1000), new Date(now - 1000))
    mkdirSync(join(dir, 'not-a-file'))
    expect(await removeStrayCopies(outboxDir, [entryFor(media)], now)).toBe(1)
    expect(readdirSync(dir).sort()).toEqual([copy.path.slice(dir.length + 1), 'being-sent-now', 'not-a-file'].sort())
    expect(await removeStrayCopies(join(tempDir(), 'no-outbox-yet'), [], now)).toBe(0)
  })
})
