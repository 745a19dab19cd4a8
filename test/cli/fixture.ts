// Shared setup for the CLI tests: the built CLI (`npm test` builds dist/ first) against a fake Bot API on 127.0.0.1,
// in a sandbox HOME of its own. Each test gets a fresh server, so faults, requests and message ids never mix.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'
import {afterEach, beforeEach, expect} from 'vitest'

import {type FakeBot, type FakeBotApi, type FakeChat, type RecordedRequest, startFakeBotApi} from '../fake-bot-api/server.js'
import {type CliResult, type CliSandbox, createCliSandbox} from '../helpers/run-cli.js'

export type {CliResult} from '../helpers/run-cli.js'

export const ALERTS_BOT = {token: '7012345678:AAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U', id: 7012345678, username: 'fastpay_alerts_bot', first_name: 'FastPay Alerts'} satisfies FakeBot
export const DEPLOY_BOT = {token: '6098765432:AAGm4Tq8Wz1Xc5Vb9Nr3Ke7Lp2Hs6Dj0Fy8', id: 6098765432, username: 'fastpay_deploy_bot', first_name: 'FastPay Deploy'} satisfies FakeBot
export const HEALTH_BOT = {token: '5123987654:AAE7c_Xw2Qm-9Lk4Jh8Gf3Ds6Az1Px5Vn0R', id: 5123987654, username: 'fastpay_health_bot', first_name: 'FastPay Health'} satisfies FakeBot
/** Well formed, but the fake server does not know it: every call answers 401 Unauthorized. */
export const REVOKED_TOKEN = '4000000001:AAHx9Kq2Lm7Np3Rs8Tv4Wx1Yz6Ab5Cd0Ef2'

export const OPS_FORUM = {id: -1001234567890, type: 'supergroup', title: 'FastPay Ops', username: 'fastpay_ops', is_forum: true} satisfies FakeChat
export const ON_CALL = {id: 4242, type: 'private', first_name: 'Ana', last_name: 'Oncall', username: 'ana_oncall'} satisfies FakeChat
export const LEGACY_GROUP = {id: -4001, type: 'group', title: 'Legacy Ops'} satisfies FakeChat
export const STATUS_CHANNEL = {id: -1009876543210, type: 'channel', title: 'FastPay Status', username: 'fastpay_status'} satisfies FakeChat
/** Where LEGACY_GROUP goes when a test upgrades it to a supergroup. */
export const UPGRADED_GROUP_ID = -1005550001111

/** How the sandbox's registry path is shown in messages (HOME is the sandbox, XDG_CONFIG_HOME is HOME/config). */
export const REGISTRY_DISPLAY = '~/config/fastpay-tg/config.yml'

/** A registry of two bots: alerts (two chats, forum topic 7) and deploy. */
export const TWO_BOTS = `bots:
  - name: alerts
    id: 1
    token: ${ALERTS_BOT.token}
    chat_ids: [${OPS_FORUM.id}, ${ON_CALL.id}]
    message_thread_id: 7
  - name: deploy
    id: 2
    token: ${DEPLOY_BOT.token}
    chat_ids: [${ON_CALL.id}]
`

export function startTestApi(): Promise<FakeBotApi> {
  return startFakeBotApi({bots: [ALERTS_BOT, DEPLOY_BOT, HEALTH_BOT], chats: [OPS_FORUM, ON_CALL, LEGACY_GROUP, STATUS_CHANNEL]})
}

export interface CliWorld {
  api: FakeBotApi
  cli: CliSandbox
  run(args: string[], options?: {env?: Record<string, string | undefined>; input?: string | Buffer}): Promise<CliResult>
}

/** A fresh fake Bot API and CLI sandbox for every test of the file. */
export function useCliWorld(): CliWorld {
  const world = {} as CliWorld
  beforeEach(async () => {
    world.api = await startTestApi()
    world.cli = createCliSandbox(world.api.url)
    world.run = (args, options) => world.cli.run(args, options)
  })
  afterEach(async () => {
    await world.api.close()
    world.cli.cleanup()
  })
  return world
}

/** Writes the sandbox's bots registry with mode 0600 (a wider mode adds a warning line). */
export function writeRegistry(cli: CliSandbox, yaml: string): void {
  mkdirSync(dirname(cli.configPath), {recursive: true})
  writeFileSync(cli.configPath, yaml, {mode: 0o600})
}

export function readRegistry(cli: CliSandbox): string {
  return readFileSync(cli.configPath, 'utf8')
}

/** `TELEGRAM_BOT_CONFIGS` for the given bots. */
export function envConfigs(...bots: Array<{name?: string; token: string; chat_ids?: Array<number | string>}>): string {
  return JSON.stringify(bots)
}

/** The requests for one method, in arrival order. */
export function callsOf(api: FakeBotApi, method: string): RecordedRequest[] {
  return api.requests.filter((request) => request.method === method)
}

/** A user mistake as every door reports it: nothing on stdout, one line on stderr, exit 2, no stack trace. */
export function expectUsageError(result: CliResult, line: string): void {
  expect({stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode}).toEqual({stdout: '', stderr: line, exitCode: 2})
  expect(result.stderr).not.toMatch(/^\s+at /m)
}

/** The parsed stdout of a `--json` run. */
export function jsonOf(result: CliResult): unknown {
  try {
    return JSON.parse(result.stdout)
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.exitCode}):\n${result.stdout}\nstderr:\n${result.stderr}`)
  }
}

/**
 * An API root nothing listens on: connections are refused at once. It is on 127.0.0.2, where no fake server binds,
 * so a port freed here cannot be handed to a fake server starting at the same time.
 */
export async function closedApiRoot(): Promise<string> {
  const {createServer} = await import('node:net')
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve))
  const {port} = server.address() as {port: number}
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.2:${port}`
}
