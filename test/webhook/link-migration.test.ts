// Registries written before the state store kept link tokens and linked chats hold them in `links:` and
// `linked_chats:`. The first run that needs them moves them into the store (files, or Redis), once, and leaves a
// comment in the file where they were; the rest of the file keeps its lines.
import {createHash, randomBytes} from 'node:crypto'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {openStore} from '../../src/store/select-store.js'
import {redisForTests, type RedisForTests} from '../store/redis-server.js'
import {ANA_CHAT, callsOf, OPS_GROUP, readRegistry, REGISTRY, useWorld, writeRegistry} from './fixture.js'

const world = useWorld()

let available: RedisForTests
beforeAll(async () => {
  available = await redisForTests()
})
afterAll(async () => {
  if (available.redis?.own) await available.redis.stop()
})

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const TOKEN = 'StillGoodTokenStillGoodTokenStil'
const inADay = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z')

// A hand-kept file: a comment above, one beside a bot.
const BOTS = `# ops bots, kept by hand\n${REGISTRY.replace('  - name: alerts\n', '  - name: alerts  # pages on-call\n')}`

const OLD_REGISTRY = `${BOTS}
links:
  - sha256: ${sha256(TOKEN)}
    bot: alerts
    channels: [alerts]
    created_at: 2025-06-01T10:00:00Z
    expires_at: ${inADay}
# Ana's phone
linked_chats:
  - chat_id: ${ANA_CHAT.id}
    bot: alerts
    channels: [alerts, digest]
    linked_at: 2025-06-01T10:00:00Z
    title: Ana

# send digests weekly
digest_day: monday
`

const migrated = (target: string) => `${BOTS}
# links and linked_chats moved to the state store (${target}) by fastpay-tg on DAY
# send digests weekly
digest_day: monday
`

const LISTED = `${ANA_CHAT.id} (Ana) via alerts: alerts, digest; linked 2025-06-01T10:00:00Z`

/** The registry file, its move's date (checked to be a date) as DAY: a run may cross midnight. */
function registryText(): string {
  return readRegistry(world.cli).replace(/( by fastpay-tg on )\d{4}-\d\d-\d\d\n/, '$1DAY\n')
}

function stateTexts(): string[] {
  const dir = world.cli.stateDir
  if (!existsSync(dir)) return []
  return readdirSync(dir, {withFileTypes: true, recursive: true})
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.lock'))
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
}

async function storedToken(env: Record<string, string> = {}) {
  const store = await openStore({stateDir: world.cli.stateDir, configPath: world.cli.configPath, env: {...world.cli.env, ...env}, onWarning: (line) => expect.fail(line)})
  try {
    return (await store.links.token(sha256(TOKEN)))?.value
  } finally {
    await store.close()
  }
}

describe('link sections of an old registry file', () => {
  it('move to the state dir on first use: listed, the file keeps its lines with a comment, alerts reach the chat; a second run changes nothing', async () => {
    writeRegistry(world.cli, OLD_REGISTRY)
    const first = await world.run(['webhook', 'links'])
    expect(first).toEqual({stdout: LISTED, stderr: '', exitCode: 0})
    expect(registryText()).toBe(migrated('~/state/fastpay-tg'))
    expect(await storedToken()).toEqual({sha256: sha256(TOKEN), bot: 'alerts', channels: ['alerts'], created_at: '2025-06-01T10:00:00Z', expires_at: inADay})

    const alert = await world.run(['alert', 'Settlement late', '--no-host'])
    expect(alert).toEqual({stdout: `sent to ${OPS_GROUP.id}: message 1\nsent to ${ANA_CHAT.id}: message 1`, stderr: '', exitCode: 0})
    // Both chats at once: their calls may arrive either way round.
    expect(callsOf(world.api, 'sendMessage').map((request) => Number(request.params.chat_id)).sort()).toEqual([OPS_GROUP.id, ANA_CHAT.id].sort())

    const before = {yaml: readRegistry(world.cli), state: stateTexts().filter((text) => text.includes('links/')).sort()}
    expect(await world.run(['webhook', 'links'])).toEqual({stdout: LISTED, stderr: '', exitCode: 0})
    expect({yaml: readRegistry(world.cli), state: stateTexts().filter((text) => text.includes('links/')).sort()}).toEqual(before)
  })

  it('two runs at once move them once (the registry lock): one comment, the chat stored once', async () => {
    writeRegistry(world.cli, OLD_REGISTRY)
    const runs = await Promise.all([world.run(['webhook', 'links']), world.run(['webhook', 'links', '--json'])])
    expect(runs[0]).toEqual({stdout: LISTED, stderr: '', exitCode: 0})
    expect([runs[1].exitCode, runs[1].stderr]).toEqual([0, ''])
    expect((JSON.parse(runs[1].stdout) as {linked_chats: Array<{chat_id: number}>}).linked_chats.map((chat) => chat.chat_id)).toEqual([ANA_CHAT.id])
    expect(registryText()).toBe(migrated('~/state/fastpay-tg'))
  })

  it('a suppressed alert leaves them where they are: the store\'s links are read only for an alert that goes out', async () => {
    writeRegistry(world.cli, BOTS)
    expect((await world.run(['alert', 'Settlement late', '--no-host'])).exitCode).toBe(0)
    writeRegistry(world.cli, OLD_REGISTRY)
    const suppressed = await world.run(['alert', 'Settlement late', '--no-host'])
    expect([suppressed.exitCode, suppressed.stdout]).toEqual([0, expect.stringMatching(/^suppressed: 1 alert\(s\) with key "alerts:Settlement late" held back/)])
    expect(readRegistry(world.cli)).toBe(OLD_REGISTRY)
    expect((await world.run(['alert', 'Settlement late', '--no-host', '--throttle-key', 'other'])).stdout).toBe(`sent to ${OPS_GROUP.id}: message 2\nsent to ${ANA_CHAT.id}: message 1`)
    expect(registryText()).toBe(migrated('~/state/fastpay-tg'))
  })

  it('move to Redis when the store is Redis: the comment names it (no password), the state dir holds none of them', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    const url = new URL(available.redis.url)
    // A Redis shared with other runs may hold links of an earlier run of this test: start from none.
    const {Redis} = await import('ioredis')
    const redis = new Redis(available.redis.url)
    try {
      const keys = await redis.keys('fastpay-tg:links/*')
      if (keys.length > 0) await redis.del(...keys)
    } finally {
      redis.disconnect()
    }
    const env = {FASTPAY_TG_STORE: available.redis.url}
    writeRegistry(world.cli, OLD_REGISTRY)
    expect(await world.run(['webhook', 'links'], env)).toEqual({stdout: LISTED, stderr: '', exitCode: 0})
    const display = `redis://${url.password ? ':***@' : ''}${url.host}${url.pathname === '/' ? '' : url.pathname}`
    expect(registryText()).toBe(migrated(display))
    expect(stateTexts().filter((text) => text.includes('links/'))).toEqual([])
    expect(await storedToken(env)).toMatchObject({sha256: sha256(TOKEN), channels: ['alerts']})

    // A title of this run's own: the throttle window of an earlier run's alert may still be open in a shared Redis.
    const alert = await world.run(['alert', `Settlement late ${randomBytes(4).toString('hex')}`, '--no-host'], env)
    expect(alert).toEqual({stdout: `sent to ${OPS_GROUP.id}: message 1\nsent to ${ANA_CHAT.id}: message 1`, stderr: '', exitCode: 0})
    const yaml = readRegistry(world.cli)
    expect(await world.run(['webhook', 'links'], env)).toEqual({stdout: LISTED, stderr: '', exitCode: 0})
    expect(readRegistry(world.cli)).toBe(yaml)
  })
})
