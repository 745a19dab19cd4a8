// Shared setup for the monitor tests: real loopback servers whose answers a test flips, a fake Bot API to receive
// the alerts, and a pass runner with an injected clock.
import {writeFileSync} from 'node:fs'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo, Socket} from 'node:net'
import {join} from 'node:path'
import {afterEach, beforeEach} from 'vitest'

import {createAlertSender} from '../../src/monitor/alert-sender.js'
import {FileMonitorStore, monitorDirIn} from '../../src/store/file/file-monitor-store.js'
import {loadMonitors} from '../../src/monitor/load-monitors.js'
import {type PassOptions, runPass} from '../../src/monitor/run-pass.js'
import {FileOutbox} from '../../src/store/index.js'
import {FileThrottle} from '../../src/store/file/file-throttle.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'
import {PRIVATE_CHAT, startApi, testClient} from '../api/fixture.js'
import {tempDir} from '../throttle/helpers.js'

export const T0 = Date.parse('2025-06-01T14:00:00Z')
export const MINUTE = 60_000

export type Answer = 'ok' | 'error' | 'hang'

/** An HTTP endpoint on 127.0.0.1 that answers 200, 500 or never, as `answer` says at the time of the request. */
export interface FlipServer {
  url: string
  answer: Answer
  hits: number
  close(): Promise<void>
}

export async function startFlipServer(): Promise<FlipServer> {
  const sockets = new Set<Socket>()
  const state = {answer: 'ok' as Answer, hits: 0}
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    state.hits++
    request.resume()
    if (state.answer === 'hang') return
    const ok = state.answer === 'ok'
    response.writeHead(ok ? 200 : 500, {'content-type': 'application/json'})
    response.end(ok ? '{"status":"ok","db":{"up":true}}' : '{"status":"failing"}')
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  })
}

/** Writes a monitors file in a fresh directory and loads it. */
export async function monitorsFrom(yaml: string, name = 'monitors.yml', env: Record<string, string | undefined> = process.env) {
  const dir = tempDir('fastpay-tg-monitors-')
  const path = join(dir, name)
  writeFileSync(path, yaml)
  return {dir, path, config: await loadMonitors({path, display: name, explicit: true}, env)}
}

export interface MonitorWorld {
  api: FakeBotApi
  stateDir: string
  store: FileMonitorStore
  /** The pass clock: each pass() moves it on by a minute. */
  clock: {now: number}
  /** One pass over `checks` at the current clock, then the clock moves on a minute. */
  pass(checks: PassOptions['checks'], overrides?: Partial<PassOptions>): ReturnType<typeof runPass>
  /** Texts the fake Bot API received for the test chat. */
  texts(): string[]
}

/** A fresh fake Bot API, state dir and clock per test; alerts of every channel go to one private chat. */
export function useMonitorWorld(): MonitorWorld {
  const world = {clock: {now: T0}} as MonitorWorld
  beforeEach(async () => {
    world.api = await startApi()
    world.stateDir = tempDir('fastpay-tg-monitor-')
    world.clock.now = T0
    world.store = new FileMonitorStore({dir: monitorDirIn(world.stateDir)})
    const {client} = testClient(world.api)
    const sender = createAlertSender({
      openTarget: async () => ({client, botLabel: 'health', chatIds: [PRIVATE_CHAT]}),
      throttle: new FileThrottle({dir: join(world.stateDir, 'throttle')}),
      outbox: new FileOutbox({dir: join(world.stateDir, 'outbox')}),
    })
    world.pass = async (checks, overrides = {}) => {
      const report = await runPass({checks, store: world.store, sender, now: () => world.clock.now, host: 'mon-1', ...overrides})
      world.clock.now += MINUTE
      return report
    }
    world.texts = () => world.api.messages(PRIVATE_CHAT).map((message) => message.text ?? '')
  })
  afterEach(() => world.api.close())
  return world
}

/**
 * An `interval` that began one to thirty minutes ago and lasts one to two days, for a test whose passes (of the built
 * CLI, on the real clock) must share one interval: whatever the time of day, they do for 23 hours. An interval starts
 * at a multiple of its length since the epoch, so `1d` ended at 00:00 UTC, and a run across midnight had its passes in
 * two intervals (a quorum of one failure on each side, a state that changed twice in "one interval"). Thirty minutes
 * at most: a fleet's pass is timed at its interval's start, which then lies inside a `digest --since 1h`.
 */
export function intervalHoldingNow(now = Date.now()): string {
  const nowSeconds = Math.floor(now / 1000)
  for (let seconds = 86_400; seconds < 2 * 86_400; seconds++) {
    const into = nowSeconds % seconds
    if (into >= 60 && into <= 1800) return `${seconds}s`
  }
  throw new Error(`no interval of 1 to 2 days began 1 to 30 minutes before ${new Date(now).toISOString()}`)
}
