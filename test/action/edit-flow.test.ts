// One message per deploy: `started` sends, a later status in the same job edits it in place (found through the
// state file in RUNNER_TEMP, or through the message-ids output), and a failed edit falls back to a new message.
import {readFileSync, writeFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {byChat, callsOf, DEPLOY_BOT, ON_CALL, OPS_FORUM, stateFiles, useActionJob} from './fixture.js'

const job = useActionJob('push')
const bothChats = {token: DEPLOY_BOT.token, 'chat-ids': `${OPS_FORUM.id},${ON_CALL.id}`, environment: 'production'}
const oneChat = {token: DEPLOY_BOT.token, 'chat-ids': String(ON_CALL.id), environment: 'production'}

const BODY = [
  '<b>branch</b>: <code>main</code>',
  '<b>commit</b>: <a href="https://github.com/fastpay/fastpay-api/commit/9f3c2d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e">9f3c2d1</a> ' +
    'Round refunds &lt; 1¢ half-even &amp; log &lt;rate&gt; (#128)',
  '<b>by</b>: ana-oncall',
  '<b>run</b>: <a href="https://github.com/fastpay/fastpay-api/actions/runs/9876543210">Deploy #57</a>',
].join('\n')

/** The run's one state file, parsed. */
function readState(): {key: string; status: string; startedAt: number; messages: Array<{chatId: number; messageId: number}>} {
  const files = stateFiles(job.runnerTemp)
  expect(files).toHaveLength(1)
  return JSON.parse(readFileSync(files[0]!, 'utf8'))
}

describe('started, then the result, in one job', () => {
  it('sends one message per chat, then edits it in place from deploying to deployed, with the duration', async () => {
    const started = await job.step({...bothChats, status: 'started'})
    expect(started.outputs['message-ids']).toBe(`${OPS_FORUM.id}:1,${ON_CALL.id}:1`)
    const state = readState()
    expect(state).toEqual({
      key: `fastpay/fastpay-api#9876543210#production#bot${DEPLOY_BOT.id}`,
      status: 'started',
      startedAt: expect.any(Number),
      messages: [{chatId: OPS_FORUM.id, messageId: 1}, {chatId: ON_CALL.id, messageId: 1}],
    })
    // The deploy took a while: the duration is measured from the start recorded in the state file.
    writeFileSync(stateFiles(job.runnerTemp)[0]!, JSON.stringify({...state, startedAt: state.startedAt - (64 * 60 + 30) * 1000}))

    const success = await job.step({...bothChats, status: 'success'})
    expect(success.exitCode).toBe(0)
    expect(callsOf(job.api, 'sendMessage')).toHaveLength(2)
    const finalHtml = `✅ <b>Deployed fastpay/fastpay-api to production</b>\n${BODY}\n<b>duration</b>: 1h 04m`
    expect(callsOf(job.api, 'editMessageText').map((request) => request.params)).toEqual([
      {chat_id: OPS_FORUM.id, message_id: 1, text: finalHtml, parse_mode: 'HTML', link_preview_options: {is_disabled: true}},
      {chat_id: ON_CALL.id, message_id: 1, text: finalHtml, parse_mode: 'HTML', link_preview_options: {is_disabled: true}},
    ])
    for (const chat of [OPS_FORUM, ON_CALL]) {
      const messages = job.api.messages(chat.id)
      expect(messages.map((message) => [message.message_id, message.text?.split('\n')[0], message.text?.split('\n').at(-1)])).toEqual([
        [1, '✅ Deployed fastpay/fastpay-api to production', 'duration: 1h 04m'],
      ])
      expect(messages[0]!.edit_date).toEqual(expect.any(Number))
    }
    expect(success.outputs).toEqual({status: 'success', 'message-ids': `${OPS_FORUM.id}:1,${ON_CALL.id}:1`, 'chat-ids': `${OPS_FORUM.id},${ON_CALL.id}`})
    expect(success.stdout.split('\n').slice(1)).toEqual([`edited message 1 in chat ${OPS_FORUM.id}`, `edited message 1 in chat ${ON_CALL.id}`])
    expect(success.summary).toBe(`✅ Telegram deploy notice (success, production): edited in ${OPS_FORUM.id}, ${ON_CALL.id}.\n`)
    expect(readState()).toMatchObject({status: 'success', startedAt: state.startedAt - 3_870_000})
  })

  it('the edit failing (message deleted) sends a new message instead, and says so', async () => {
    await job.step({...oneChat, status: 'started'})
    job.api.failNext({method: 'editMessageText', kind: {status: 400, description: 'Bad Request: message to edit not found'}})
    const failure = await job.step({...oneChat, status: 'failure'})

    expect(failure.exitCode).toBe(0)
    expect(callsOf(job.api, 'editMessageText').map((request) => [request.params.message_id, request.status])).toEqual([[1, 400]])
    const sent = callsOf(job.api, 'sendMessage').map((request) => (request.params.text as string).split('\n')[0])
    expect(sent).toEqual(['🚀 <b>Deploying fastpay/fastpay-api to production</b>', '❌ <b>Deploy of fastpay/fastpay-api to production failed</b>'])
    expect(failure.stdout.split('\n').slice(1)).toEqual([
      `::warning::chat ${ON_CALL.id}: could not edit message (Call to 'editMessageText' failed (400: Bad Request: message to edit not found)); sent a new one`,
      `resent message 2 in chat ${ON_CALL.id}`,
    ])
    expect(failure.outputs).toEqual({status: 'failure', 'message-ids': `${ON_CALL.id}:2`, 'chat-ids': String(ON_CALL.id)})
    expect(failure.summary).toBe(`❌ Telegram deploy notice (failure, production): sent anew to ${ON_CALL.id}.\n`)
    // The next status edits the new message.
    expect(readState().messages).toEqual([{chatId: ON_CALL.id, messageId: 2}])
  })

  it('the edit refused with a 429 longer than the client waits: no second message; the next status edits the first', async () => {
    await job.step({...oneChat, status: 'started'})
    job.api.failNext({method: 'editMessageText', kind: {status: 429, retryAfter: 100}})
    const success = await job.step({...oneChat, status: 'success'})

    expect(success.exitCode).toBe(0)
    expect(callsOf(job.api, 'sendMessage')).toHaveLength(1)
    expect(success.stdout.split('\n').slice(1)).toEqual([
      `::warning::deploy notice not delivered to ${ON_CALL.id} (Call to 'editMessageText' failed (429: Too Many Requests: retry after 100): ` +
        'Telegram asks this bot to wait 100 s before sending again)',
    ])
    expect(success.outputs).toEqual({status: 'success', 'message-ids': '', 'chat-ids': ''})
    expect(readState().messages).toEqual([{chatId: ON_CALL.id, messageId: 1}])

    const failure = await job.step({...oneChat, status: 'failure'})
    expect(failure.outputs['message-ids']).toBe(`${ON_CALL.id}:1`)
    expect(job.api.messages(ON_CALL.id).map((message) => message.text?.split('\n')[0])).toEqual([
      '❌ Deploy of fastpay/fastpay-api to production failed',
      '❌ Deploy failed — see above',
    ])
  })

  it('the same status twice: Telegram says "not modified", the message stays as it is, and the chat is pinged once', async () => {
    // No {{duration}}: the text must come out the same both times.
    const sameText = {...oneChat, template: '{{icon}} {{title}}'}
    await job.step({...sameText, status: 'started'})
    await job.step({...sameText, status: 'cancelled'})
    const again = await job.step({...sameText, status: 'cancelled'})
    expect(again.exitCode).toBe(0)
    expect(callsOf(job.api, 'editMessageText').map((request) => [request.status, request.params.text])).toEqual([
      [200, '🚫 Deploy of fastpay/fastpay-api to production cancelled'],
      [400, '🚫 Deploy of fastpay/fastpay-api to production cancelled'],
    ])
    // started, and the one reply of the first cancelled: a re-run changes nothing, so it pings nobody again.
    expect(callsOf(job.api, 'sendMessage').map((request) => request.params.reply_parameters)).toEqual([undefined, {message_id: 1, allow_sending_without_reply: true}])
    expect(again.stdout.split('\n').slice(1)).toEqual([`edited message 1 in chat ${ON_CALL.id}`])
  })
})

describe('two notices of one deploy in one job', () => {
  it('two bots (ops, and a status channel): each step edits its own bot\'s notice; none tries the other\'s', async () => {
    const STATUS_BOT = {token: '5123987654:AAE7c_Xw2Qm-9Lk4Jh8Gf3Ds6Az1Px5Vn0R', id: 5123987654, username: 'fastpay_status_bot'}
    job.api.addBot(STATUS_BOT)
    const ops = {...oneChat, 'chat-ids': String(OPS_FORUM.id)}
    const status = {...oneChat, token: STATUS_BOT.token, template: '{{icon}} {{title}}'}
    const steps = [
      await job.step({...ops, status: 'started'}),
      await job.step({...status, status: 'started'}),
      await job.step({...ops, status: 'success'}),
      await job.step({...status, status: 'success'}),
    ]
    expect(steps.map((step) => [step.exitCode, step.outputs['message-ids']])).toEqual([
      [0, `${OPS_FORUM.id}:1`],
      [0, `${ON_CALL.id}:1`],
      [0, `${OPS_FORUM.id}:1`],
      [0, `${ON_CALL.id}:1`],
    ])
    expect(steps.flatMap((step) => step.stdout.split('\n')).filter((line) => line.startsWith('::warning::'))).toEqual([])
    expect(callsOf(job.api, 'editMessageText').map((request) => [request.token === STATUS_BOT.token ? 'status' : 'ops', request.params.chat_id, request.status])).toEqual([
      ['ops', OPS_FORUM.id, 200],
      ['status', ON_CALL.id, 200],
    ])
    expect(job.api.messages(OPS_FORUM.id).map((message) => message.text?.split('\n')[0])).toEqual(['✅ Deployed fastpay/fastpay-api to production'])
    expect(job.api.messages(ON_CALL.id).map((message) => message.text)).toEqual(['✅ Deployed fastpay/fastpay-api to production'])
  })
})

describe('one chat named two ways', () => {
  it('started to @fastpay_status, a later job to its numeric id with message-ids: the one notice is edited, none added', async () => {
    const STATUS_CHANNEL = {id: -1009876543210, type: 'channel', title: 'FastPay Status', username: 'fastpay_status'} as const
    job.api.addChat(STATUS_CHANNEL)
    const started = await job.step({...oneChat, 'chat-ids': '@fastpay_status', status: 'started'})
    expect(started.outputs['message-ids']).toBe('@fastpay_status:1')
    const success = await job.step({...oneChat, 'chat-ids': String(STATUS_CHANNEL.id), 'message-ids': started.outputs['message-ids']!, status: 'success'}, {RUNNER_TEMP: job.home})

    expect(success.exitCode).toBe(0)
    expect(callsOf(job.api, 'sendMessage')).toHaveLength(1)
    expect(callsOf(job.api, 'editMessageText').map((request) => [request.params.chat_id, request.params.message_id, request.status])).toEqual([[STATUS_CHANNEL.id, 1, 200]])
    expect(success.outputs['message-ids']).toBe(`${STATUS_CHANNEL.id}:1`)
    expect(job.api.messages(STATUS_CHANNEL.id).map((message) => message.text?.split('\n')[0])).toEqual(['✅ Deployed fastpay/fastpay-api to production'])
  })
})

describe('started again for a deploy whose notice exists', () => {
  it('a re-run attempt re-starting in the same RUNNER_TEMP edits the notice back to deploying; success edits it: one message', async () => {
    const first = await job.step({...oneChat, status: 'started'})
    const again = await job.step({...oneChat, status: 'started'}, {GITHUB_RUN_ATTEMPT: '2'})
    const success = await job.step({...oneChat, status: 'success'}, {GITHUB_RUN_ATTEMPT: '2'})
    expect([first.exitCode, again.exitCode, success.exitCode]).toEqual([0, 0, 0])

    expect(callsOf(job.api, 'sendMessage')).toHaveLength(1)
    const edits = callsOf(job.api, 'editMessageText').map((request) => [request.params.message_id, (request.params.text as string).split('\n')[0]])
    expect(edits).toEqual([
      [1, '🚀 <b>Deploying fastpay/fastpay-api to production</b>'],
      [1, '✅ <b>Deployed fastpay/fastpay-api to production</b>'],
    ])
    // The re-started notice links the attempt that is running now.
    expect(callsOf(job.api, 'editMessageText')[0]!.params.text).toContain('/actions/runs/9876543210/attempts/2')
    expect(again.stdout.split('\n').slice(1)).toEqual([`edited message 1 in chat ${ON_CALL.id}`])
    expect(again.outputs['message-ids']).toBe(`${ON_CALL.id}:1`)
    expect(job.api.messages(ON_CALL.id).map((message) => message.text?.split('\n')[0])).toEqual(['✅ Deployed fastpay/fastpay-api to production'])
  })
})

describe('across jobs: the message-ids output of started', () => {
  it('a later job (its own RUNNER_TEMP, no state file) edits the messages named by message-ids; no duration is known', async () => {
    const started = await job.step({...bothChats, status: 'started'})
    const result = await job.step(
      {token: DEPLOY_BOT.token, environment: 'production', status: 'success', 'message-ids': started.outputs['message-ids']!},
      {RUNNER_TEMP: job.home},
    )
    expect(result.exitCode).toBe(0)
    // No chat-ids input and no chats in the config: the chats come from message-ids.
    const edits = callsOf(job.api, 'editMessageText').map((request) => [request.params.chat_id, request.params.message_id, request.params.text])
    expect(byChat(edits, (edit) => edit[0])).toEqual([
      [OPS_FORUM.id, 1, `✅ <b>Deployed fastpay/fastpay-api to production</b>\n${BODY}`],
      [ON_CALL.id, 1, `✅ <b>Deployed fastpay/fastpay-api to production</b>\n${BODY}`],
    ])
    expect(callsOf(job.api, 'sendMessage')).toHaveLength(2)
    expect(result.outputs['message-ids']).toBe(`${OPS_FORUM.id}:1,${ON_CALL.id}:1`)
  })
})
