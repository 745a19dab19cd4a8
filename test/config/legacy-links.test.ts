// The move of an old registry's `links:`/`linked_chats:` into the store, through editRegistry: the file keeps every
// other line and comment, says where they went, and is written only when it held them.
import {readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {loadRegistry} from '../../src/config/index.js'
import {FileKeyValue} from '../../src/store/file/file-key-value.js'
import {moveRegistryLinks} from '../../src/store/move-registry-links.js'
import {tempDir} from './helpers.js'

const NOW = Date.parse('2026-12-01T12:00:00Z')
const SHA = 'a'.repeat(64)
const COMMENT = '# links and linked_chats moved to the state store (/var/lib/fastpay-tg) by fastpay-tg on 2026-12-01'
const BOTS = `# My bots
bots:
  - name: alerts # pager
    id: 1
    token: \${ALERTS_TOKEN}
    chat_ids: [-100123]   # ops room
`
const LINKS = `links:
  - {sha256: ${SHA}, bot: alerts, channels: [alerts], created_at: "2026-11-30T10:00:00Z", expires_at: "2026-12-02T10:00:00Z"}
linked_chats:
  # Ana's phone
  - chat_id: 4242
    bot: Alerts
    channels: [alerts, digest]
    linked_at: "2026-11-30T11:00:00Z"
`

async function setUp(yaml: string) {
  const dir = await tempDir()
  const path = join(dir, 'config.yml')
  await writeFile(path, yaml, {mode: 0o600})
  const kv = new FileKeyValue({dir: join(dir, 'state'), now: () => NOW})
  const move = () => moveRegistryLinks(kv, {path, display: 'config.yml', explicit: true}, '/var/lib/fastpay-tg', NOW)
  return {path, kv, move}
}

describe('moveRegistryLinks', () => {
  it('sections last: stored, removed, the comment at the end; every other line as it was', async () => {
    const {path, kv, move} = await setUp(`${BOTS}\n${LINKS}`)
    expect(await move()).toEqual({
      links: [{sha256: SHA, bot: 'alerts', channels: ['alerts'], created_at: '2026-11-30T10:00:00Z', expires_at: '2026-12-02T10:00:00Z'}],
      linkedChats: [{chat_id: 4242, bot: 'Alerts', channels: ['alerts', 'digest'], linked_at: '2026-11-30T11:00:00Z'}],
    })
    expect(await readFile(path, 'utf8')).toBe(`${BOTS}\n${COMMENT}\n`)
    expect((await kv.get(`links/tokens/${SHA}`))?.value).toMatchObject({sha256: SHA, channels: ['alerts']})
    expect((await kv.get('links/chats'))?.value).toEqual({chats: [{chat_id: 4242, bot: 'Alerts', channels: ['alerts', 'digest'], linked_at: '2026-11-30T11:00:00Z'}]})
    expect((await loadRegistry(path)).legacyLinks).toBeUndefined()
  })

  it('sections between others: the comment takes their place, before the next key', async () => {
    const {path, move} = await setUp(`${BOTS}\n${LINKS}\nstore: \${REDIS_URL} # fleet\n`)
    await move()
    expect(await readFile(path, 'utf8')).toBe(`${BOTS}\n${COMMENT}\nstore: \${REDIS_URL} # fleet\n`)
  })

  it('run again, or on a file without them: nothing is written; a chat already stored gains the file\'s channels', async () => {
    const {path, kv, move} = await setUp(BOTS)
    const before = await stat(path)
    expect(await move()).toBeUndefined()
    expect((await stat(path)).mtimeMs).toBe(before.mtimeMs)
    await kv.set('links/chats', {chats: [{chat_id: 4242, bot: 'alerts', channels: ['deploy'], linked_at: '2026-11-01T00:00:00Z'}]})
    await writeFile(path, `${BOTS}\n${LINKS}`)
    await move()
    expect((await kv.get('links/chats'))?.value).toEqual({chats: [{chat_id: 4242, bot: 'alerts', channels: ['deploy', 'alerts', 'digest'], linked_at: '2026-11-01T00:00:00Z'}]})
  })

  it('a malformed section: one line naming the file and the field; the file and the store untouched', async () => {
    const yaml = `${BOTS}links:\n  - sha256: nothex\n    channels: [alerts]\n    created_at: x\n    expires_at: y\n`
    const {path, kv, move} = await setUp(yaml)
    await expect(move()).rejects.toThrow('config.yml: links[0].sha256: expected 64 hex digits, got "nothex"')
    expect(await readFile(path, 'utf8')).toBe(yaml)
    expect(await kv.list('links/')).toEqual([])
  })
})
