// Write-ahead delivery under kill -9: the BUILT CLI is killed at random points (a seeded sequence, so a failure can
// be replayed) while Telegram fails, on the file store and on Redis. Each title is alerted again and again with a
// long throttle window, as cron retries a job whose run was killed; then Telegram comes back, one run per title
// completes and `flush` empties the outbox. Every title must reach the chat exactly once: a run killed after writing
// its entry must neither lose it (its window committed, its entry missing) nor let a retry send it again (its entry
// written, its window not yet committed). Nothing here depends on how fast the machine is: any kill point must hold.
import {type ChildProcess, spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {resolve} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ALERTS_BOT, ON_CALL, startTestApi} from '../cli/fixture.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'
import {type CliSandbox, createCliSandbox} from '../helpers/run-cli.js'
import {seeded} from '../helpers/seeded-random.js'
import {freshRedisDatabase, redisForTests, type RedisForTests} from '../store/redis-server.js'

const BIN = resolve(import.meta.dirname, '../../bin/run.js')
const TITLES = 3
const ROUNDS = 10
/** Kills land within this share of a whole run's time, measured first: most die between start-up and exit. */
const KILL_WITHIN_RUN_SHARE = 1.2

let api: FakeBotApi
let available: RedisForTests
beforeAll(async () => {
  ;[api, available] = await Promise.all([startTestApi(), redisForTests()])
})
afterAll(async () => {
  await api?.close()
  if (available?.redis?.own) await available.redis.stop()
})


interface KilledRun {
  outcome: 'killed' | number
  ms: number
  /** What it printed, for the message of a run that ended otherwise than expected. */
  output: string
}

/** Starts the CLI and kills it with SIGKILL after `killAfterMs`, unless it exited before. */
function runAndKill(sandbox: CliSandbox, env: Record<string, string>, args: string[], killAfterMs: number): Promise<KilledRun> {
  return new Promise((resolvePromise, reject) => {
    const startedAt = performance.now()
    const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {env: {...sandbox.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']})
    let output = ''
    const keep = (chunk: Buffer) => (output += chunk.toString())
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolvePromise({outcome: signal === 'SIGKILL' ? 'killed' : (code ?? -1), ms: performance.now() - startedAt, output})
    })
  })
}

interface LoopFigures {
  iterations: number
  killed: number
  /** Requests the failing server answered during the loop: kills also landed while alerts were being sent. */
  failedSends: number
  lost: number
  doubled: number
}

async function killLoop(storeEnv: Record<string, string>, seed: number): Promise<LoopFigures> {
  const sandbox = createCliSandbox(api.url)
  const env = {...storeEnv, TELEGRAM_BOT_TOKEN: ALERTS_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id)}
  const run = (args: string[]) => sandbox.run(args, {env})
  const tag = randomBytes(3).toString('hex')
  const titles = Array.from({length: TITLES}, (_, index) => `Kill loop ${tag} ${index}`)
  const random = seeded(seed)
  try {
    api.reset()
    api.failNext({method: 'sendMessage', times: 1_000_000, kind: {status: 502}})
    // How long a whole run takes on this machine now, three at once as below: the kills spread over that.
    const calibration = await Promise.all(
      titles.map((_, index) => runAndKill(sandbox, env, ['alert', `Calibration ${tag} ${index}`, '--no-host'], 60_000)),
    )
    const runMs = Math.max(...calibration.map((run) => run.ms))
    const sendsBefore = api.requests.filter((request) => request.method === 'sendMessage').length
    let killed = 0
    for (let round = 0; round < ROUNDS; round++) {
      const runs = await Promise.all(
        titles.map((title) => runAndKill(sandbox, env, ['alert', title, '--no-host', '--throttle-seconds', '3600'], random() * runMs * KILL_WITHIN_RUN_SHARE)),
      )
      killed += runs.filter((run) => run.outcome === 'killed').length
      // A run that was not killed either spooled its alert (75) or was suppressed behind the one waiting (0).
      const odd = runs.filter((run) => run.outcome !== 'killed' && run.outcome !== 0 && run.outcome !== 75)
      expect(odd.map((run) => `exit ${run.outcome} in round ${round}: ${run.output.trim()}`)).toEqual([])
    }

    const failedSends = api.requests.filter((request) => request.method === 'sendMessage').length - sendsBefore
    const loopRequests = [...api.requests]
    api.reset()
    const resetAt = Date.now()
    const finals = await Promise.all(titles.map((title) => run(['alert', title, '--no-host', '--throttle-seconds', '3600'])))
    expect(finals.map((final) => final.exitCode)).toEqual(titles.map(() => 0))
    const flush = await run(['flush'])
    expect([flush.exitCode, flush.stdout.split('\n').at(-1)]).toEqual([0, 'outbox empty'])

    const received = api.messages(ON_CALL.id).map((message) => message.text?.split('\n')[0])
    const counts = titles.map((title) => received.filter((text) => text === `❌ ${title}`).length)
    if (counts.some((count) => count > 1)) {
      const log = (requests: typeof api.requests) =>
        requests
          .filter((request) => request.method === 'sendMessage')
          .map((request) => `${request.time - resetAt} ms ${request.status} ${String(request.params.text).split('\n')[0]}`)
      console.log(`DOUBLE seed ${seed}: counts ${JSON.stringify(counts)}\nafter reset:\n${log(api.requests).join('\n')}\nlast loop requests:\n${log(loopRequests).slice(-8).join('\n')}`)
    }
    return {
      iterations: TITLES * ROUNDS,
      killed,
      failedSends,
      lost: counts.filter((count) => count === 0).length,
      doubled: counts.reduce((sum, count) => sum + Math.max(0, count - 1), 0),
    }
  } finally {
    sandbox.cleanup()
  }
}

describe('alert killed with SIGKILL at random points, Telegram failing', () => {
  it('file store: 30 iterations, each title delivered exactly once (0 lost, 0 doubled)', async () => {
    const figures = await killLoop({}, 20261201)
    console.log(`kill loop, file store: ${JSON.stringify(figures)}`)
    expect(figures).toMatchObject({iterations: 30, lost: 0, doubled: 0})
  }, 120_000)

  it('Redis store: 30 iterations, each title delivered exactly once (0 lost, 0 doubled)', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    // A database of its own (10: no other file's, see test/architecture/redis-databases.test.ts): the outbox stream
    // of this bot must not be shared with other test files' alerts, nor emptied under the loop by another file.
    const store = await freshRedisDatabase(available.redis.url, 10)
    const figures = await killLoop({FASTPAY_TG_STORE: store}, 1337)
    console.log(`kill loop, Redis store: ${JSON.stringify(figures)}`)
    expect(figures).toMatchObject({iterations: 30, lost: 0, doubled: 0})
  }, 120_000)
})
