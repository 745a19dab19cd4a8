// Shared setup for the webhook tests: the built CLI in a sandbox HOME against a fake Bot API on 127.0.0.1, and
// Telegram-shaped updates to POST at `webhook serve`.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'

import type {Chat, Message, Update, User} from '@grammyjs/types'
import {afterEach, beforeEach, expect} from 'vitest'

import {type FakeBot, type FakeBotApi, type FakeChat, type RecordedRequest, startFakeBotApi} from '../fake-bot-api/server.js'
import {type CliResult, type CliSandbox, createCliSandbox} from '../helpers/run-cli.js'

export const ALERTS_BOT = {token: '7012345678:AAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U', id: 7012345678, username: 'fastpay_alerts_bot'} satisfies FakeBot
export const DEPLOY_BOT = {token: '6098765432:AAGm4Tq8Wz1Xc5Vb9Nr3Ke7Lp2Hs6Dj0Fy8', id: 6098765432, username: 'fastpay_deploy_bot'} satisfies FakeBot
export const HEALTH_BOT = {token: '5123987654:AAE7c_Xw2Qm-9Lk4Jh8Gf3Ds6Az1Px5Vn0R', id: 5123987654, username: 'fastpay_health_bot'} satisfies FakeBot
export const ALL_TOKENS = [ALERTS_BOT.token, DEPLOY_BOT.token, HEALTH_BOT.token]

export const OPS_GROUP = {id: -1001234567890, type: 'supergroup', title: 'FastPay Ops'} satisfies FakeChat
export const ANA_CHAT = {id: 4242, type: 'private', first_name: 'Ana', username: 'ana_oncall'} satisfies FakeChat
export const BOB_CHAT = {id: 5151, type: 'private', first_name: 'Bob'} satisfies FakeChat
export const ANA: User = {id: 4242, is_bot: false, first_name: 'Ana', username: 'ana_oncall'}
export const BOB: User = {id: 5151, is_bot: false, first_name: 'Bob'}

export const SECRET = 'hook_S3cret-value'

/** alerts (id 1) and deploy (id 2) in the registry; alerts posts to the ops group. */
export const REGISTRY = `bots:
  - name: alerts
    id: 1
    token: ${ALERTS_BOT.token}
    chat_ids: [${OPS_GROUP.id}]
  - name: deploy
    id: 2
    token: ${DEPLOY_BOT.token}
    chat_ids: [${OPS_GROUP.id}]
`

export interface World {
  api: FakeBotApi
  cli: CliSandbox
  run(args: string[], env?: Record<string, string | undefined>): Promise<CliResult>
}

/** A fresh fake Bot API and sandbox per test. */
export function useWorld(): World {
  const world = {} as World
  beforeEach(async () => {
    world.api = await startFakeBotApi({bots: [ALERTS_BOT, DEPLOY_BOT, HEALTH_BOT], chats: [OPS_GROUP, ANA_CHAT, BOB_CHAT]})
    world.cli = createCliSandbox(world.api.url)
    world.run = (args, env) => world.cli.run(args, {env})
  })
  afterEach(async () => {
    await world.api.close()
    world.cli.cleanup()
  })
  return world
}

export function writeRegistry(cli: CliSandbox, yaml: string): void {
  mkdirSync(dirname(cli.configPath), {recursive: true})
  writeFileSync(cli.configPath, yaml, {mode: 0o600})
}

export function readRegistry(cli: CliSandbox): string {
  return readFileSync(cli.configPath, 'utf8')
}

export function callsOf(api: FakeBotApi, method: string): RecordedRequest[] {
  return api.requests.filter((request) => request.method === method)
}

/** No bot token anywhere in what the process printed. */
export function expectNoToken(...texts: string[]): void {
  for (const text of texts) for (const token of ALL_TOKENS) expect(text).not.toContain(token.split(':')[1])
}

/** A user mistake: nothing on stdout, exactly this line on stderr, exit 2. */
export function expectUsageError(result: CliResult, line: string): void {
  expect({stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode}).toEqual({stdout: '', stderr: line, exitCode: 2})
}

let nextMessageId = 100

function chatOf(chat: FakeChat): Chat {
  return (chat.type === 'private'
    ? {id: chat.id, type: 'private', first_name: chat.first_name ?? 'User', ...(chat.username ? {username: chat.username} : {})}
    : {id: chat.id, type: chat.type, title: chat.title ?? 'Chat'}) as Chat
}

/** A user's text message, as Telegram posts it to a webhook. */
export function messageUpdate(updateId: number, chat: FakeChat, from: User, text: string): Update {
  const message = {message_id: nextMessageId++, date: 1_750_000_000, chat: chatOf(chat), from, text} as Message
  const command = /^\/\S+/.exec(text)
  if (command) Object.assign(message, {entities: [{type: 'bot_command', offset: 0, length: command[0].length}]})
  return {update_id: updateId, message} as Update
}

/** A press on an inline button of `message` (a message the bot sent). */
export function callbackUpdate(updateId: number, message: Message, from: User, data: string): Update {
  return {update_id: updateId, callback_query: {id: `cbq-${updateId}`, from, chat_instance: '-77', message, data}} as Update
}
