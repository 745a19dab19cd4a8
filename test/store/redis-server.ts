// A real Redis for the store tests: `REDIS_URL` when set (CI starts one), else a redis-server of our own on a
// free loopback port, without persistence. Tests that stop and restart Redis always need their own server.
import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import type {Redis} from 'ioredis'
import {afterAll, beforeAll} from 'vitest'

import {closedPort} from '../api/fixture.js'

export const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? 'redis-server'

export interface TestRedis {
  url: string
  /** True when this process started it (so it may be stopped and started again). */
  own: boolean
  stop(): Promise<void>
  /** Starts it again on the same port: empty, or with what `SAVE` wrote to `dataDir` when one was given. */
  start(): Promise<void>
  /** SIGSTOP and SIGCONT: a Redis that keeps its connections open and stops answering, then answers again. */
  pause(): void
  resume(): void
}

export type RedisForTests = {redis: TestRedis; skip?: undefined} | {redis?: undefined; skip: string}

function hasRedisServer(): boolean {
  return spawnSync(REDIS_SERVER, ['--version'], {stdio: 'ignore'}).status === 0
}

/** A Redis to test against, or why there is none (for the describe's name, so the skip says why). */
/** `args`: more redis-server options (`--requirepass x`); a server of our own is started for them. */
export async function redisForTests(options: {own?: boolean; dataDir?: string; args?: string[]} = {}): Promise<RedisForTests> {
  const fromEnv = process.env.REDIS_URL
  if (fromEnv && !options.own && !options.args) {
    return {redis: {url: fromEnv, own: false, stop: async () => {}, start: async () => {}, pause: () => {}, resume: () => {}}}
  }
  if (!hasRedisServer()) {
    const why = options.own ? 'these tests stop and restart Redis' : 'REDIS_URL is not set'
    const skip = `skipped: ${why}, and ${REDIS_SERVER} is not installed (apt-get install redis-server)`
    // Named in the skipped describe too, but the default reporter shows only counts for skipped tests.
    console.warn(`Redis store tests ${skip}`)
    return {skip}
  }
  return {redis: await startOwnRedis(options.dataDir, options.args)}
}

/**
 * For a describe block: a Redis (or why there is none) from its beforeAll, stopped in its afterAll when it is ours.
 * Read `current()` inside the tests.
 */
export function useRedisForTests(): {current(): RedisForTests} {
  let available: RedisForTests = {skip: 'skipped: not started yet'}
  beforeAll(async () => {
    available = await redisForTests()
  })
  afterAll(async () => {
    if (available.redis?.own) await available.redis.stop()
  })
  return {current: () => available}
}

/**
 * For a test file's top level: a Redis (or why there is none, `skip`) and one client to it, connected on first use.
 * After the file's tests the client quits and a Redis of our own stops.
 */
export async function redisForFile(): Promise<{skip?: string; client(): Promise<Redis>}> {
  const found = await redisForTests()
  // The promise, not the client: two tests asking at once share one connection.
  let client: Promise<Redis> | undefined
  afterAll(async () => {
    await (await client)?.quit()
    await found.redis?.stop()
  })
  return {skip: found.skip, client: () => (client ??= connectRedis(found.redis!.url))}
}

/** How many free ports a start tries before giving up: each one can be taken before redis-server binds it. */
const PORT_TRIES = 5

/** redis-server's line when its port is taken (it then exits 1). */
const ADDRESS_IN_USE = /Could not create server TCP listening socket .*Address already in use/

class PortTaken extends Error {}

/**
 * `dataDir`: where `SAVE` writes and a start reads (a Redis that comes back with its data), else nowhere.
 * The port is picked free, then bound by redis-server a moment later: when another program took it in between, the
 * first start moves to another free port. A start again (`start()`) keeps the port, which clients hold in the URL.
 */
async function startOwnRedis(dataDir?: string, args: string[] = []): Promise<TestRedis> {
  let port = 0
  let child: ChildProcess | undefined
  const start = async () => {
    const persistence = dataDir === undefined ? [] : ['--dir', dataDir, '--dbfilename', 'dump.rdb']
    child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', ...persistence, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const started = child
    await new Promise<void>((resolve, reject) => {
      let output = ''
      const read = (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('Ready to accept connections')) resolve()
      }
      started.stdout!.on('data', read)
      started.stderr!.on('data', read)
      started.on('error', reject)
      started.on('exit', (code) => {
        const why = `redis-server exited (${code}) before it was ready:\n${output}`
        reject(ADDRESS_IN_USE.test(output) ? new PortTaken(why) : new Error(why))
      })
    })
  }
  const stop = async () => {
    const running = child
    child = undefined
    if (running === undefined || running.exitCode !== null) return
    await new Promise<void>((resolve) => {
      running.on('exit', () => resolve())
      running.kill('SIGKILL')
    })
  }
  const tried: number[] = []
  for (;;) {
    port = await closedPort()
    tried.push(port)
    try {
      await start()
      break
    } catch (error) {
      if (!(error instanceof PortTaken)) throw error
      if (tried.length === PORT_TRIES) throw new Error(`redis-server found every port it tried in use (${tried.join(', ')})`)
    }
  }
  process.once('exit', () => child?.kill('SIGKILL'))
  return {url: `redis://127.0.0.1:${port}`, own: true, stop, start, pause: () => child?.kill('SIGSTOP'), resume: () => child?.kill('SIGCONT')}
}

const prefixes: string[] = []

/**
 * After each test file (test/setup-file.ts): a shared Redis (REDIS_URL) outlives the tests, so the keys they made go
 * when their file is done. Our own servers are simply stopped.
 */
export async function removeTestKeys(): Promise<void> {
  const url = process.env.REDIS_URL
  if (!url || prefixes.length === 0) return
  const redis = await connectRedis(url)
  try {
    for (const prefix of prefixes.splice(0)) {
      let cursor = '0'
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
        cursor = next
        if (keys.length > 0) await redis.del(...keys)
      } while (cursor !== '0')
    }
  } finally {
    await redis.quit()
  }
}

/** Keys of one test run: they never meet another run's in a shared Redis. */
export function testPrefix(): string {
  const prefix = `fastpay-tg-test:${randomBytes(4).toString('hex')}:`
  prefixes.push(prefix)
  return prefix
}

/** A plain client for a test's own checks and for the stores under test; `quit` it in afterAll. */
export async function connectRedis(url: string) {
  const {Redis} = await import('ioredis')
  const redis = new Redis(url, {lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null})
  await redis.connect()
  return redis
}

/**
 * Database `db` of the Redis at `url`, emptied first (REDIS_URL may be a server other runs used): its URL. Each test
 * file takes numbers of its own (status-page 9, kill-loop 10, fleet-processes 11-13, digest-redis 14, monitor forget 15): vitest runs
 * files side by side, and test/architecture/redis-databases.test.ts checks that no two files take one number.
 */
export async function freshRedisDatabase(url: string, db: number): Promise<string> {
  const database = new URL(url)
  database.pathname = `/${db}`
  const redis = await connectRedis(database.toString())
  try {
    await redis.flushdb()
  } finally {
    await redis.quit()
  }
  return database.toString()
}
