// Issue 15 must-show 3: `monitor run` under cron parses the monitors file once per version of it, not once per run.
// The validated data is kept in the state dir and used only while every key holds; a cache that is corrupt, or
// from another version of the file, is a miss and never an error.
import {readdirSync, readFileSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {loadMonitors, type MonitorsLocation} from '../../src/monitor/load-monitors.js'
import {type MonitorsFileKey, parseCacheDirIn, readParseCache, writeParseCache} from '../../src/monitor/monitors-parse-cache.js'
import {tempDir} from '../throttle/helpers.js'

const CHECKS = 'checks:\n  - {name: api, type: http, url: "http://127.0.0.1:1/health", expect: {status: 200}}\n  - {name: db, type: tcp, host: db, port: 5432}\n'

function setUp(yaml = CHECKS) {
  const dir = tempDir('fastpay-tg-parse-cache-')
  const path = join(dir, 'monitors.yml')
  writeFileSync(path, yaml)
  const location: MonitorsLocation = {path, display: 'monitors.yml', explicit: true}
  const stateDir = join(dir, 'state')
  const lines: string[] = []
  const load = (env: Record<string, string | undefined> = {}) => loadMonitors(location, env, {stateDir, debug: (line) => lines.push(line)})
  const entries = () => readdirSync(parseCacheDirIn(stateDir)).map((name) => join(parseCacheDirIn(stateDir), name))
  return {dir, path, location, stateDir, lines, load, entries}
}

const PARSED = 'monitors.yml: parsed and validated'
const CACHED = 'monitors.yml: validated data from the parse cache'
const how = (lines: string[]) => lines.map((line) => (line.startsWith(PARSED) ? PARSED : line))

/** Rewrites the file in place (same inode) and sets its mtime to `second` exactly (utimes sets whole seconds exactly). */
function rewriteAt(path: string, text: string, second: number): void {
  writeFileSync(path, text)
  utimesSync(path, second, second)
}

describe('the parse cache of monitor run', () => {
  it('parses a file once: later loads read the validated data back, and it loads the same config', async () => {
    const world = setUp()
    const first = await world.load()
    const second = await world.load()
    const third = await world.load()
    expect(how(world.lines)).toEqual([PARSED, CACHED, CACHED])
    expect(second).toEqual(first)
    expect(third).toEqual(await loadMonitors(world.location, {}))
    expect(world.entries()).toHaveLength(1)
    expect(statSync(world.entries()[0]!).mode & 0o777).toBe(0o600)
  })

  it('a corrupt or truncated cache file is parsed again, without an error, and replaced', async () => {
    const world = setUp()
    const expected = await world.load()
    const [entry] = world.entries()
    const good = readFileSync(entry!)
    const flipped = Buffer.from(good)
    flipped[flipped.length - 5]! ^= 0xff
    for (const bad of [Buffer.from('not a cache file'), Buffer.alloc(0), good.subarray(0, good.length - 7), flipped]) {
      writeFileSync(entry!, bad)
      world.lines.length = 0
      expect(await world.load()).toEqual(expected)
      expect(how(world.lines)).toEqual([PARSED])
      expect(readFileSync(entry!).equals(good)).toBe(true)
    }
  })

  it('sees an edit that keeps the size and the mtime second: the nanoseconds, and else the content hash', async () => {
    const world = setUp()
    const second = 1_800_000_000
    utimesSync(world.path, second, second)
    await world.load()
    const renamed = CHECKS.replace('name: db', 'name: dc')
    expect(renamed.length).toBe(CHECKS.length)

    // Same second, other nanoseconds (an edit within the second the last one was made in).
    writeFileSync(world.path, renamed)
    utimesSync(world.path, second + 0.25, second + 0.25)
    world.lines.length = 0
    expect((await world.load()).checks.map((check) => check.name)).toEqual(['api', 'dc'])
    expect(how(world.lines)).toEqual([PARSED])

    // Same inode, size and mtime to the nanosecond (a tool that restores mtime): only the bytes differ.
    const before = statSync(world.path, {bigint: true})
    rewriteAt(world.path, CHECKS, second + 0.25)
    world.lines.length = 0
    const after = statSync(world.path, {bigint: true})
    expect([after.ino, after.size, after.mtimeNs]).toEqual([before.ino, before.size, before.mtimeNs])
    expect((await world.load()).checks.map((check) => check.name)).toEqual(['api', 'db'])
    expect(how(world.lines)).toEqual([PARSED])
  })

  it('uses an entry only when every part of its key matches', async () => {
    const dir = tempDir('fastpay-tg-parse-cache-')
    const key: MonitorsFileKey = {build: 'build 1', path: '/etc/monitors.yml', dev: 1n, ino: 2n, mtimeNs: 3n, size: 4n, sha256: 'ab'}
    await writeParseCache(dir, key, {checks: []})
    expect(await readParseCache(dir, key)).toEqual({checks: []})
    for (const other of [{build: 'build 2'}, {dev: 9n}, {ino: 9n}, {mtimeNs: 9n}, {size: 9n}, {sha256: 'cd'}]) {
      expect(await readParseCache(dir, {...key, ...other})).toBeUndefined()
    }
    // Another path is another entry.
    expect(await readParseCache(dir, {...key, path: '/etc/other.yml'})).toBeUndefined()
  })

  it('keeps no value taken from the environment: ${VAR} stays a reference in the cache', async () => {
    const world = setUp('checks:\n  - {name: api, type: http, url: "https://127.0.0.1:1/health?key=${API_KEY}", headers: {authorization: "Bearer ${API_TOKEN}"}}\n')
    const env = {API_KEY: 'key-0d2f8a61c4', API_TOKEN: 'token-9b7e3c52aa'}
    const loaded = await world.load(env)
    const again = await world.load(env)
    expect(how(world.lines)).toEqual([PARSED, CACHED])
    expect(again).toEqual(loaded)
    const check = again.checks[0]!
    expect(check.type === 'http' && [check.url, check.headers.authorization]).toEqual(['https://127.0.0.1:1/health?key=key-0d2f8a61c4', 'Bearer token-9b7e3c52aa'])
    const cached = readFileSync(world.entries()[0]!).toString('latin1')
    expect(cached).toContain('${API_KEY}')
    expect(cached).not.toContain(env.API_KEY)
    expect(cached).not.toContain(env.API_TOKEN)
    // Another value of the variable applies at once: the cache holds the reference, not the value.
    const rotated = await world.load({...env, API_TOKEN: 'token-rotated-1234'})
    const rotatedCheck = rotated.checks[0]!
    expect(rotatedCheck.type === 'http' && rotatedCheck.headers.authorization).toBe('Bearer token-rotated-1234')
  })

  it('keeps checks loaded from the file alone as loaded; those with ${VAR} or a CA file are loaded again each run', async () => {
    const world = setUp()
    writeFileSync(join(world.dir, 'ca.pem'), 'CA ONE')
    writeFileSync(
      world.path,
      'defaults: {timeout: 5s}\nquorum: 2\nchecks:\n  - {name: plain, type: http, url: "https://user:pw@127.0.0.1:1/", severity: critical}\n  - {name: keyed, type: http, url: "https://127.0.0.1:1/?k=${API_KEY}"}\n  - {name: pinned, type: tls, host: 127.0.0.1, ca: ca.pem}\n  - {name: job, type: command, run: ["true"], cwd: jobs}\n',
    )
    const first = await world.load({API_KEY: 'key-one-0123'})
    writeFileSync(join(world.dir, 'ca.pem'), 'CA TWO')
    const second = await world.load({API_KEY: 'key-two-4567'})
    expect(how(world.lines)).toEqual([PARSED, CACHED])
    expect(second).toEqual(await loadMonitors(world.location, {API_KEY: 'key-two-4567'}))
    expect(second.checks[0]).toEqual(first.checks[0])
    expect(second.checks.map((check) => [check.name, check.timeoutMs, check.quorum])).toEqual([['plain', 5000, 2], ['keyed', 5000, 2], ['pinned', 5000, 2], ['job', 5000, 2]])
    const [, keyed, pinned] = second.checks
    expect(keyed!.type === 'http' && keyed!.url).toBe('https://127.0.0.1:1/?k=key-two-4567')
    expect(pinned!.type === 'tls' && pinned!.ca).toBe('CA TWO')
    const cached = readFileSync(world.entries()[0]!).toString('latin1')
    expect(cached).not.toContain('key-one-0123')
    expect(cached).not.toContain('CA ONE')

    // The same file named otherwise: the checks say the name they are loaded under now.
    const other = await loadMonitors({...world.location, display: world.path}, {API_KEY: 'k'}, {stateDir: world.stateDir})
    expect(other.checks.map((check) => check.source)).toEqual([world.path, world.path, world.path, world.path])
  })

  it('a state dir it cannot write in only means no cache', async () => {
    const world = setUp()
    writeFileSync(world.stateDir, 'a file where the state dir should be')
    const expected = await loadMonitors(world.location, {})
    expect(await world.load()).toEqual(expected)
    expect(await world.load()).toEqual(expected)
    expect(how(world.lines)).toEqual([PARSED, PARSED])
  })

  it('a file that does not validate is never cached: each run says what is wrong', async () => {
    const world = setUp('checks:\n  - {name: api, type: htp}\n')
    await expect(world.load()).rejects.toThrow('monitors.yml: checks[0].type: unknown check type "htp"')
    await expect(world.load()).rejects.toThrow('monitors.yml: checks[0].type: unknown check type "htp"')
  })
})
