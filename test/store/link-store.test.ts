// The link store's own housekeeping: spent and expired tokens are kept a week (a second /link of one says "already
// used"), then go; the file store keeps an expired key's file until something removes it, and `webhook serve` does.
import {readdirSync, writeFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {jsonPathFor} from '../../src/store/file/locked-json.js'
import {FileKeyValue} from '../../src/store/index.js'
import {LinkStore} from '../../src/store/link-store.js'
import {tempDir} from '../throttle/helpers.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')
const DAY = 24 * 3600 * 1000

describe('LinkStore.removeExpiredTokens', () => {
  it('removes the files of tokens past their week, and leaves the others and the linked chats', async () => {
    let now = T0
    const dir = tempDir('fastpay-tg-links-')
    const links = new LinkStore({kv: new FileKeyValue({dir, now: () => now}), target: dir})
    const token = (sha256: string) => ({sha256, channels: ['alerts'], created_at: new Date(now).toISOString(), expires_at: new Date(now + DAY).toISOString()})
    await links.addToken(token('a'.repeat(64)), 8 * DAY)
    await links.addToken(token('b'.repeat(64)), 20 * DAY)
    await links.editChats('alerts', () => ({chats: [{chat_id: 4242, bot: 'alerts', channels: ['alerts'], linked_at: new Date(now).toISOString()}], result: undefined}))
    const files = () => readdirSync(dir).filter((name) => name.endsWith('.json')).length
    expect(files()).toBe(3)
    now += 9 * DAY
    await links.removeExpiredTokens()
    expect(files()).toBe(2)
    expect(await links.token('a'.repeat(64))).toBeUndefined()
    expect((await links.token('b'.repeat(64)))?.value.sha256).toBe('b'.repeat(64))
    expect(await links.chats()).toHaveLength(1)
  })
})

describe('FileKeyValue.removeExpired', () => {
  it('takes no lock of a live key: a key held by another process does not hold up the pruning of the others', async () => {
    let now = T0
    const dir = tempDir('fastpay-tg-prune-')
    // Waiting out a held lock advances this clock: a prune that waited for one fails with LockTimeoutError at once.
    const lock = {timeoutMs: 1_000, now: () => now, sleep: async (ms: number) => void (now += ms)}
    const kv = new FileKeyValue({dir, now: () => now, lock})
    await kv.set('webhook/kept-updates/a', ['kept'], {ttlMs: DAY})
    await kv.set('webhook/kept-updates/b', ['taken'], {ttlMs: DAY / 2})
    // Another serve, alive (the test runner's own parent process), is taking batch a.
    writeFileSync(jsonPathFor(dir, 'webhook/kept-updates/a').replace(/\.json$/, '.lock'), `${process.ppid}\n`)
    now += DAY * 0.75
    await kv.removeExpired('webhook/kept-updates/')
    expect(await kv.list('webhook/kept-updates/')).toMatchObject([{key: 'webhook/kept-updates/a', value: ['kept']}])
    expect(readdirSync(dir).filter((name) => name.endsWith('.json'))).toHaveLength(1)
  })
})
