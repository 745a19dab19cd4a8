import {chmod, readdir, readFile, stat, symlink, lstat, writeFile, utimes} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {addBot, loadRegistry, removeBot, replaceChatId, resolveBot, setActive, updateBot} from '../../src/config/index.js'
import {runFixture} from './fixtures/run-ts.js'
import {isolatedEnv, tempDir, TOKEN_A, writeConfig} from './helpers.js'

const COMMENTED = `# My bots
bots:
  # the main one
  - name: alerts # pager
    id: 1
    token: \${ALERTS_TOKEN} # from CI
    chat_ids: [-100123, "@channelname"] # ops room
    active: true

  - name: ops
    id: 5
    token: keychain:ops
    chat_ids:
      - 42 # me
      - "-100999" # old group
    info:
      chats:
        "-100999": {title: Old group}
`

describe('addBot', () => {
  it('creates the directory (0700) and the file (0600), with the next id', async () => {
    const path = join(await tempDir(), 'fastpay-tg', 'config.yml')
    const first = await addBot(path, {name: 'alerts', token: '${ALERTS_TOKEN}', chat_ids: [-1001234567890, '@channelname']})
    const second = await addBot(path, {name: 'ops', token: 'keychain:ops', chat_type: 'group', message_thread_id: 3})
    expect([first.id, first.index, second.id, second.index, second.active]).toEqual([1, 0, 2, 1, true])
    expect(await readFile(path, 'utf8')).toBe(`# fastpay-tg bots registry. A token is a literal, \${ENV_VAR} or keychain:<account>.
bots:
  - name: alerts
    id: 1
    token: \${ALERTS_TOKEN}
    chat_ids: [-1001234567890, "@channelname"]
    active: true
  - name: ops
    id: 2
    token: keychain:ops
    chat_ids: []
    chat_type: group
    message_thread_id: 3
    active: true
`)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await stat(join(path, '..'))).mode & 0o777).toBe(0o700)
    expect(await readdir(join(path, '..'))).toEqual(['config.yml'])
  })

  it('keeps comments and blank lines, and numbers after the highest id', async () => {
    const path = await writeConfig(COMMENTED)
    await addBot(path, {name: 'third', token: 'x', chat_ids: [1]})
    expect(await readFile(path, 'utf8')).toBe(`${COMMENTED}
  - name: third
    id: 6
    token: x
    chat_ids: [1]
    active: true
`)
  })

  it('refuses a taken name (any case) or id, and invalid values, leaving the file alone', async () => {
    const path = await writeConfig(COMMENTED)
    await expect(addBot(path, {name: 'ALERTS', token: 'x'})).rejects.toThrow(`bot "alerts" already exists in ${path} (bots[0])`)
    await expect(addBot(path, {name: 'other', id: 5, token: 'x'})).rejects.toThrow(`id 5 is taken by bot "ops" in ${path}`)
    await expect(addBot(path, {name: 'other', token: 'x', chat_ids: ['abc']})).rejects.toThrow(
      `${path}: bots[2].chat_ids[0]: expected a chat id (integer) or @username, got "abc"`,
    )
    expect(await readFile(path, 'utf8')).toBe(COMMENTED)
    expect(await readdir(join(path, '..'))).toEqual(['config.yml'])
  })

  it('refuses to edit a file with a syntax error', async () => {
    const broken = 'bots:\n  - name: a\n    name: b\n'
    const path = await writeConfig(broken)
    await expect(addBot(path, {name: 'c', token: 'x'})).rejects.toThrow(
      `${path}: YAML syntax error at line 3, column 5: Map keys must be unique`,
    )
    expect(await readFile(path, 'utf8')).toBe(broken)
  })

  it('loses no bot when two callers add at the same time', async () => {
    const path = join(await tempDir(), 'config.yml')
    const names = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6']
    await Promise.all(names.map((name) => addBot(path, {name, token: `token-${name}`})))
    const registry = await loadRegistry(path)
    expect(registry.bots.map((bot) => bot.name).sort()).toEqual(names)
    expect(registry.bots.map((bot) => bot.id)).toEqual([1, 2, 3, 4, 5, 6])
    expect(await readdir(join(path, '..'))).toEqual(['config.yml'])
  })

  it('loses no bot when several processes add at the same time', async () => {
    const path = join(await tempDir(), 'config.yml')
    const env = {PATH: process.env.PATH, HOME: await tempDir()}
    await Promise.all(['p', 'q', 'r'].map((prefix) => runFixture('add-bots.ts', [path, prefix, '4'], env)))
    const registry = await loadRegistry(path)
    expect(registry.bots.map((bot) => bot.name).sort()).toEqual(
      ['p0', 'p1', 'p2', 'p3', 'q0', 'q1', 'q2', 'q3', 'r0', 'r1', 'r2', 'r3'],
    )
    expect(registry.bots.map((bot) => bot.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
  })

  it('writes through a symlink, which stays a symlink', async () => {
    const dir = await tempDir()
    const real = join(dir, 'dotfiles.yml')
    const link = join(dir, 'config.yml')
    await writeFile(real, 'bots: []\n')
    await symlink(real, link)
    await addBot(link, {name: 'alerts', token: 'x'})
    expect((await lstat(link)).isSymbolicLink()).toBe(true)
    expect(await readFile(real, 'utf8')).toContain('  - name: alerts\n')
  })
})

describe('other edits', () => {
  it('disables, updates, renames chat ids and removes, keeping comments', async () => {
    const path = await writeConfig(COMMENTED)
    await setActive(path, 'OPS', false)
    await updateBot(path, 1, {message_thread_id: 7, info: {username: 'alerts_bot'}})
    await updateBot(path, 'ops', {chat_type: 'supergroup'})
    await updateBot(path, 'ops', {chat_type: null})
    expect(await replaceChatId(path, 'ops', -100999, -100555)).toBe(true)
    expect(await readFile(path, 'utf8')).toBe(`# My bots
bots:
  # the main one
  - name: alerts # pager
    id: 1
    token: \${ALERTS_TOKEN} # from CI
    chat_ids: [-100123, "@channelname"] # ops room
    active: true
    message_thread_id: 7
    info:
      username: alerts_bot

  - name: ops
    id: 5
    token: keychain:ops
    chat_ids:
      - 42 # me
      - -100555 # old group
    info:
      chats:
        -100555: {title: Old group}
    active: false
`)
    const removed = await removeBot(path, 'alerts')
    expect(removed.name).toBe('alerts')
    expect(await readFile(path, 'utf8')).toBe(`# My bots
bots:
  # the main one
  - name: ops
    id: 5
    token: keychain:ops
    chat_ids:
      - 42 # me
      - -100555 # old group
    info:
      chats:
        -100555: {title: Old group}
    active: false
`)
  })

  it('replaceChatId in a flow list; drops the old id when the new one is listed; false when absent', async () => {
    const path = await writeConfig(COMMENTED)
    expect(await replaceChatId(path, 'alerts', '-100123', -1001234567890)).toBe(true)
    expect(await readFile(path, 'utf8')).toContain('    chat_ids: [-1001234567890, "@channelname"] # ops room\n')
    expect(await replaceChatId(path, 'alerts', -1001234567890, '@ChannelName')).toBe(true)
    expect(await readFile(path, 'utf8')).toContain('    chat_ids: ["@channelname"] # ops room\n')
    const before = await readFile(path, 'utf8')
    expect(await replaceChatId(path, 'alerts', -1, -2)).toBe(false)
    expect(await readFile(path, 'utf8')).toBe(before)
    await expect(replaceChatId(path, 'nope', -1, -2)).rejects.toThrow(`unknown bot "nope": not in ${path}`)
  })

  it('lets the same run resolve the edited registry, and fixes loose permissions', async () => {
    const path = await writeConfig(`bots:\n  - name: alerts\n    token: ${TOKEN_A}\n    chat_ids: [-100123]\n`)
    await chmod(path, 0o644)
    const env = await isolatedEnv()
    expect((await resolveBot({configPath: path}, env)).warnings).toHaveLength(1)
    await replaceChatId(path, 'alerts', -100123, -100456)
    const resolved = await resolveBot({configPath: path}, env)
    expect([resolved.chats.value, resolved.warnings]).toEqual([[{chatId: -100456, fromRegistry: true}], []])
    expect((await stat(path)).mode & 0o777).toBe(0o600)
  })
})

describe('the lock', () => {
  it('takes over a stale lock left by a crashed run', async () => {
    const path = await writeConfig('bots: []\n')
    await writeFile(`${path}.lock`, '999999\n')
    const old = new Date(Date.now() - 60_000)
    await utimes(`${path}.lock`, old, old)
    await addBot(path, {name: 'alerts', token: 'x'})
    expect(await readdir(join(path, '..'))).toEqual(['config.yml'])
  })

  it('takes over at once a fresh lock whose owner process is gone', async () => {
    const path = await writeConfig('bots: []\n')
    await writeFile(`${path}.lock`, '999999\n')
    const lock = {timeoutMs: 1000, now: () => 0, sleep: async () => expect.unreachable('no waiting for a dead owner')}
    await addBot(path, {name: 'alerts', token: 'x'}, {lock})
    expect(await readdir(join(path, '..'))).toEqual(['config.yml'])
  })

  it('gives up on a live lock after the timeout, with a one-line reason', async () => {
    const path = await writeConfig('bots: []\n')
    // Held by a process that runs (the test runner's parent).
    await writeFile(`${path}.lock`, `${process.ppid}\n`)
    let clock = Date.now()
    const sleeps: number[] = []
    const lock = {
      timeoutMs: 100,
      retryDelayMs: 40,
      now: () => clock,
      sleep: async (ms: number) => {
        sleeps.push(ms)
        clock += ms
      },
    }
    await expect(addBot(path, {name: 'alerts', token: 'x'}, {lock})).rejects.toThrow(
      `${path} is being changed by another fastpay-tg run (lock ${path}.lock): try again, or delete the lock file if no other run is going`,
    )
    // 40 ms plus up to as much again of jitter (waiting runs spread out), until the 100 ms are over.
    expect(sleeps.length).toBeGreaterThan(0)
    for (const ms of sleeps) expect(ms >= 40 && ms < 80).toBe(true)
    expect(await readFile(path, 'utf8')).toBe('bots: []\n')
  })
})
