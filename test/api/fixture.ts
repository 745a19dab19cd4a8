import {BotApiClient, type BotApiClientOptions} from '../../src/api/index.js'
import {type FakeBotApi, startFakeBotApi} from '../fake-bot-api/server.js'

export const TOKEN = '700000001:AAE-fake_token_for_tests_0123456789ab'
export const PRIVATE_CHAT = 42
export const GROUP_CHAT = -4001
export const FORUM_CHAT = -1002003

export async function startApi(): Promise<FakeBotApi> {
  return startFakeBotApi({
    bots: [{token: TOKEN, id: 700000001, username: 'fastpay_test_bot', first_name: 'Fastpay Test'}],
    chats: [
      {id: PRIVATE_CHAT, type: 'private', first_name: 'Ann', username: 'ann'},
      {id: GROUP_CHAT, type: 'group', title: 'Ops'},
      {id: FORUM_CHAT, type: 'supergroup', title: 'Ops forum', username: 'ops_forum', is_forum: true},
    ],
  })
}

/** A client whose sleeps are recorded instead of waited, with jitter pinned to the middle. */
export function testClient(api: FakeBotApi, options: Partial<BotApiClientOptions> = {}) {
  const sleeps: number[] = []
  const debugLines: string[] = []
  const client = new BotApiClient({
    token: TOKEN,
    apiRoot: api.url,
    debug: (line) => debugLines.push(line),
    ...options,
    retry: {sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, ...options.retry},
  })
  return {client, sleeps, debugLines}
}

/** Runs `promise` expecting it to reject, and returns the rejection. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection, but the promise resolved')
}

/**
 * A loopback port with nothing listening on it (fetch refuses "bad ports" such as 1), for a test that wants
 * ECONNREFUSED. Free only when it was picked: a server started on it later can find it taken, and must try another
 * (test/store/redis-server.ts does).
 */
export async function closedPort(): Promise<number> {
  const {createServer} = await import('node:net')
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
