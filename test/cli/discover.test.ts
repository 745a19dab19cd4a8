// `discover`: the chats a bot has seen, read from pending updates without consuming them; a clear way out when a
// webhook makes getUpdates impossible; `--lookup` for one chat through getChat.
import type {Chat, User} from '@grammyjs/types'
import {describe, expect, it} from 'vitest'

import {ALERTS_BOT, callsOf, expectUsageError, jsonOf, LEGACY_GROUP, ON_CALL, OPS_FORUM, STATUS_CHANNEL, useCliWorld} from './fixture.js'

const world = useCliWorld()
const asAlerts = ['--token', ALERTS_BOT.token]

const ana: User = {id: ON_CALL.id, is_bot: false, first_name: 'Ana', username: 'ana_oncall'}
const forum: Chat.SupergroupChat = {id: OPS_FORUM.id, type: 'supergroup', title: 'FastPay Ops', username: 'fastpay_ops', is_forum: true}
const date = 1_764_000_000

/** What getUpdates holds after people wrote in two forum topics, privately, in a channel, and added the bot to a group. */
function pushTypicalUpdates(): void {
  const {api} = world
  api.pushUpdate({
    message: {message_id: 10, date, from: ana, chat: forum, message_thread_id: 7, is_topic_message: true, forum_topic_created: {name: 'Deploys', icon_color: 7322096}},
  })
  api.pushUpdate({message: {message_id: 11, date, from: ana, chat: forum, message_thread_id: 9, is_topic_message: true, text: 'hi'}})
  api.pushUpdate({message: {message_id: 12, date, from: ana, chat: forum, message_thread_id: 7, is_topic_message: true, text: 'again'}})
  api.pushUpdate({message: {message_id: 1, date, from: ana, chat: {id: ON_CALL.id, type: 'private', first_name: 'Ana', last_name: 'Oncall', username: 'ana_oncall'}, text: '/start'}})
  api.pushUpdate({channel_post: {message_id: 3, date, chat: {id: STATUS_CHANNEL.id, type: 'channel', title: 'FastPay Status', username: 'fastpay_status'}, text: 'status'}})
  api.pushUpdate({
    my_chat_member: {
      chat: {id: LEGACY_GROUP.id, type: 'group', title: 'Legacy Ops'},
      from: ana,
      date,
      old_chat_member: {status: 'left', user: {id: ALERTS_BOT.id, is_bot: true, first_name: ALERTS_BOT.first_name}},
      new_chat_member: {status: 'member', user: {id: ALERTS_BOT.id, is_bot: true, first_name: ALERTS_BOT.first_name}},
    },
  })
}

async function setWebhook(url: string): Promise<void> {
  const response = await fetch(`${world.api.url}/bot${ALERTS_BOT.token}/setWebhook`, {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({url}),
  })
  expect(await response.json()).toEqual({ok: true, result: true, description: 'Webhook was set'})
}

describe('discover', () => {
  it('lists every chat seen in the updates: id, type, title, @username, forum topics', async () => {
    pushTypicalUpdates()
    const result = await world.run(['discover', ...asAlerts])
    expect(result).toEqual({
      stdout: [
        '-1001234567890   supergroup FastPay Ops @fastpay_ops  topics: 7 (Deploys), 9',
        '4242             private    Ana Oncall @ana_oncall',
        '-1009876543210   channel    FastPay Status @fastpay_status',
        '-4001            group      Legacy Ops',
      ].join('\n'),
      stderr: '',
      exitCode: 0,
    })
  })

  it('--json gives the same chats as data, and the updates stay queued (no offset confirmed)', async () => {
    pushTypicalUpdates()
    const [first, second] = [await world.run(['discover', ...asAlerts, '--json']), await world.run(['discover', ...asAlerts, '--json'])]
    expect(first.exitCode).toBe(0)
    expect(jsonOf(first)).toEqual({
      chats: [
        {id: OPS_FORUM.id, type: 'supergroup', title: 'FastPay Ops', username: 'fastpay_ops', topics: [{threadId: 7, name: 'Deploys'}, {threadId: 9}]},
        {id: ON_CALL.id, type: 'private', title: 'Ana Oncall', username: 'ana_oncall', topics: []},
        {id: STATUS_CHANNEL.id, type: 'channel', title: 'FastPay Status', username: 'fastpay_status', topics: []},
        {id: LEGACY_GROUP.id, type: 'group', title: 'Legacy Ops', topics: []},
      ],
    })
    expect(second.stdout).toBe(first.stdout)
    const polls = callsOf(world.api, 'getUpdates')
    expect(polls).toHaveLength(2)
    for (const poll of polls) expect(poll.params.offset).toBeUndefined()
  })

  it('no updates: says what to do, exit 0', async () => {
    const result = await world.run(['discover', ...asAlerts])
    expect(result).toEqual({
      stdout: 'No chats in the pending updates. Send the bot a message (or mention it in the group), then run discover again.',
      stderr: '',
      exitCode: 0,
    })
  })

  it('while a webhook is set: one clear line on how to proceed instead of a raw 409, exit 2, no retry', async () => {
    pushTypicalUpdates()
    await setWebhook('https://hooks.example.com/telegram')
    const line =
      'a webhook is set for this bot, and Telegram serves getUpdates only without one: run `fastpay-tg webhook delete` first ' +
      '(the webhook stops receiving), or use `discover --lookup @name|ID`'
    const [human, json] = await Promise.all([world.run(['discover', ...asAlerts]), world.run(['discover', ...asAlerts, '--json'])])
    expectUsageError(human, `Error: ${line}`)
    expect(human.stderr).not.toMatch(/409|Conflict/)
    expect(json.exitCode).toBe(2)
    expect(jsonOf(json)).toEqual({error: {code: 'usage', message: line, exitCode: 2}})
    expect(callsOf(world.api, 'getUpdates').map((request) => request.status)).toEqual([409, 409])
  })
})

describe('discover --lookup', () => {
  it('@name: one chat through getChat, also while a webhook is set', async () => {
    await setWebhook('https://hooks.example.com/telegram')
    const [human, json] = await Promise.all([
      world.run(['discover', ...asAlerts, '--lookup', '@fastpay_status']),
      world.run(['discover', ...asAlerts, '--lookup', '@FastPay_Ops', '--json']),
    ])
    expect(human).toEqual({stdout: '-1009876543210   channel    FastPay Status @fastpay_status', stderr: '', exitCode: 0})
    expect(jsonOf(json)).toEqual({
      chats: [{id: OPS_FORUM.id, type: 'supergroup', title: 'FastPay Ops', username: 'fastpay_ops', topics: [], isForum: true}],
    })
    expect(callsOf(world.api, 'getChat').map((request) => request.params.chat_id).sort()).toEqual(['@FastPay_Ops', '@fastpay_status'])
    expect(callsOf(world.api, 'getUpdates')).toEqual([])
  })

  it('a numeric id works; an unknown chat is Telegram’s refusal, exit 1', async () => {
    const [found, missing] = await Promise.all([
      world.run(['discover', ...asAlerts, '--lookup', String(ON_CALL.id)]),
      world.run(['discover', ...asAlerts, '--lookup', '@nobody_here']),
    ])
    expect(found).toEqual({stdout: '4242             private    Ana Oncall @ana_oncall', stderr: '', exitCode: 0})
    expect(missing).toEqual({
      stdout: '',
      stderr: "Error: Call to 'getChat' failed (400: Bad Request: chat not found): check the chat id, and that the bot was added to the chat",
      exitCode: 1,
    })
  })
})
