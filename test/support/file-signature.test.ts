// Parse once per file version (issue 15, item 3): what `webhook serve` and `monitor watch` read again and again is
// parsed again only when the file's path, inode, mtime or size changed.
import {mkdtemp, rename, rm, utimes, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {loadCurrentRegistry} from '../../src/config/index.js'
import {fileSignature, ParsedFileCache} from '../../src/support/file-signature.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fastpay-tg-signature-'))
})
afterEach(async () => {
  await rm(dir, {recursive: true, force: true})
})

/** Writes `path` in place (its inode stays) with mtime at `second` (whole seconds, which utimes sets exactly). */
async function writeAt(path: string, text: string, second: number): Promise<void> {
  await writeFile(path, text)
  await utimes(path, second, second)
}

describe('ParsedFileCache', () => {
  it('parses a file once per version: same inode, mtime and size is the cached value', async () => {
    const path = join(dir, 'a.txt')
    await writeAt(path, 'one', 1_800_000_000)
    const cache = new ParsedFileCache<string>()
    let parses = 0
    const parse = async () => {
      parses++
      return `parsed ${parses}`
    }
    expect(await cache.get(path, parse)).toBe('parsed 1')
    expect(await cache.get(path, parse)).toBe('parsed 1')
    await writeAt(path, 'two', 1_800_000_000)
    expect(await cache.get(path, parse)).toBe('parsed 1')
    // A new mtime, a new size, a new inode (a save by rename): each parses again.
    await writeAt(path, 'two', 1_800_000_001)
    expect(await cache.get(path, parse)).toBe('parsed 2')
    await writeAt(path, 'three!', 1_800_000_001)
    expect(await cache.get(path, parse)).toBe('parsed 3')
    await writeAt(join(dir, 'b.txt'), 'three!', 1_800_000_001)
    await rename(join(dir, 'b.txt'), path)
    expect(await cache.get(path, parse)).toBe('parsed 4')
    // Another key for the same file is another parse; forget drops every version.
    expect(await cache.get(path, parse, 'other')).toBe('parsed 5')
    cache.forget(path)
    expect(await cache.get(path, parse)).toBe('parsed 6')
  })

  it('keeps no failed parse: the next call reports the problem again', async () => {
    const path = join(dir, 'bad.txt')
    await writeFile(path, 'x')
    const cache = new ParsedFileCache<string>()
    let calls = 0
    const failing = async () => {
      calls++
      throw new Error(`bad ${calls}`)
    }
    await expect(cache.get(path, failing)).rejects.toThrow('bad 1')
    await expect(cache.get(path, failing)).rejects.toThrow('bad 2')
  })

  it('signs a missing file as missing', async () => {
    expect(await fileSignature(join(dir, 'nothing.yml'))).toBe('missing')
  })
})

describe('the registry in long-running processes', () => {
  const registry = (chat: string) => `bots:\n  - name: alerts\n    id: 1\n    token: \${ALERTS_TOKEN}\n    chat_ids: [${chat}]\n`

  it('loadCurrentRegistry parses again only after the file changed', async () => {
    const path = join(dir, 'config.yml')
    await writeAt(path, registry('111'), 1_800_000_000)
    expect((await loadCurrentRegistry(path)).bots[0]!.chat_ids).toEqual([111])
    // Same inode, mtime and size: the parsed registry is reused, though the bytes differ.
    await writeAt(path, registry('222'), 1_800_000_000)
    expect((await loadCurrentRegistry(path)).bots[0]!.chat_ids).toEqual([111])
    await utimes(path, 1_800_000_001, 1_800_000_001)
    expect((await loadCurrentRegistry(path)).bots[0]!.chat_ids).toEqual([222])
  })
})
