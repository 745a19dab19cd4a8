// Edits never notify anyone: a final status that edits the started notice also replies to it, so a failed deploy
// pings the chat. `notify` says which statuses do: failure (failed and cancelled deploys, the default), always, never.
import {describe, expect, it} from 'vitest'

import {byChat, callsOf, DEPLOY_BOT, ON_CALL, OPS_FORUM, useActionJob} from './fixture.js'

const job = useActionJob('push')
const notice = {token: DEPLOY_BOT.token, 'chat-ids': `${OPS_FORUM.id},${ON_CALL.id}`, environment: 'production'}
const RUN_LINK = '<b>run</b>: <a href="https://github.com/fastpay/fastpay-api/actions/runs/9876543210">Deploy #57</a>'

/** What the bot API received, chat by chat (`byChat`): method, chat, message or reply target, first line. */
function traffic() {
  const calls = job.api.requests.map((request) => [
    request.method,
    request.params.chat_id,
    (request.params.reply_parameters as {message_id?: number} | undefined)?.message_id ?? request.params.message_id ?? null,
    String(request.params.text).split('\n')[0],
  ])
  return byChat(calls, (call) => call[1])
}

describe('notify: failure (the default)', () => {
  it('started → failure: one send, one edit, one reply per chat; the reply pings with the run link', async () => {
    const started = await job.step({...notice, status: 'started'})
    expect(started.exitCode).toBe(0)
    const failed = await job.step({...notice, status: 'failure'})
    expect(failed.exitCode).toBe(0)

    const failedHeadline = '❌ <b>Deploy of fastpay/fastpay-api to production failed</b>'
    expect(traffic()).toEqual([
      ['sendMessage', OPS_FORUM.id, null, '🚀 <b>Deploying fastpay/fastpay-api to production</b>'],
      ['editMessageText', OPS_FORUM.id, 1, failedHeadline],
      ['sendMessage', OPS_FORUM.id, 1, '❌ Deploy failed — see above'],
      ['sendMessage', ON_CALL.id, null, '🚀 <b>Deploying fastpay/fastpay-api to production</b>'],
      ['editMessageText', ON_CALL.id, 1, failedHeadline],
      ['sendMessage', ON_CALL.id, 1, '❌ Deploy failed — see above'],
    ])
    for (const reply of callsOf(job.api, 'sendMessage').slice(2)) {
      expect(reply.params).toEqual({
        chat_id: reply.params.chat_id,
        text: `❌ Deploy failed — see above\n${RUN_LINK}`,
        parse_mode: 'HTML',
        link_preview_options: {is_disabled: true},
        reply_parameters: {message_id: 1, allow_sending_without_reply: true},
      })
      // Not silent: the point of the reply is the notification.
      expect(reply.params.disable_notification).toBeUndefined()
    }
    // Each chat: the notice (now ❌) and the reply under it.
    expect(job.api.messages(ON_CALL.id).map((message) => message.text!.split('\n')[0])).toEqual([
      '❌ Deploy of fastpay/fastpay-api to production failed',
      '❌ Deploy failed — see above',
    ])
    // The outputs still point at the notice, the message later statuses edit.
    expect(failed.outputs['message-ids']).toBe(`${OPS_FORUM.id}:1,${ON_CALL.id}:1`)
    expect(failed.summary).toBe(`❌ Telegram deploy notice (failure, production): edited in ${OPS_FORUM.id}, ${ON_CALL.id}.\n`)
  })

  it('started → cancelled replies too; started → success edits silently', async () => {
    await job.step({...notice, 'chat-ids': String(ON_CALL.id), status: 'started'})
    await job.step({...notice, 'chat-ids': String(ON_CALL.id), status: 'cancelled'})
    expect(traffic().slice(1)).toEqual([
      ['editMessageText', ON_CALL.id, 1, '🚫 <b>Deploy of fastpay/fastpay-api to production cancelled</b>'],
      ['sendMessage', ON_CALL.id, 1, '🚫 Deploy cancelled — see above'],
    ])

    job.api.reset()
    await job.step({...notice, 'chat-ids': String(ON_CALL.id), environment: 'staging', status: 'started'})
    await job.step({...notice, 'chat-ids': String(ON_CALL.id), environment: 'staging', status: 'success'})
    expect(traffic()).toEqual([
      ['sendMessage', ON_CALL.id, null, '🚀 <b>Deploying fastpay/fastpay-api to staging</b>'],
      ['editMessageText', ON_CALL.id, 3, '✅ <b>Deployed fastpay/fastpay-api to staging</b>'],
    ])
  })

  it('a failure with no started notice to edit sends one new message, which notifies by itself: no reply', async () => {
    await job.step({...notice, status: 'failure'})
    expect(traffic()).toEqual([
      ['sendMessage', OPS_FORUM.id, null, '❌ <b>Deploy of fastpay/fastpay-api to production failed</b>'],
      ['sendMessage', ON_CALL.id, null, '❌ <b>Deploy of fastpay/fastpay-api to production failed</b>'],
    ])
  })
})

describe('notify: always and never', () => {
  it('always: success replies as well', async () => {
    await job.step({...notice, 'chat-ids': String(ON_CALL.id), status: 'started', notify: 'always'})
    await job.step({...notice, 'chat-ids': String(ON_CALL.id), status: 'success', notify: 'always'})
    expect(traffic().slice(1)).toEqual([
      ['editMessageText', ON_CALL.id, 1, '✅ <b>Deployed fastpay/fastpay-api to production</b>'],
      ['sendMessage', ON_CALL.id, 1, '✅ Deployed — see above'],
    ])
  })

  it('never: a failure only edits', async () => {
    await job.step({...notice, 'chat-ids': String(ON_CALL.id), status: 'started', notify: 'never'})
    const failed = await job.step({...notice, 'chat-ids': String(ON_CALL.id), status: 'failure', notify: 'never'})
    expect(failed.exitCode).toBe(0)
    expect(traffic().slice(1)).toEqual([['editMessageText', ON_CALL.id, 1, '❌ <b>Deploy of fastpay/fastpay-api to production failed</b>']])
  })

  it('a bad notify value fails the step, naming the input', async () => {
    const result = await job.step({...notice, status: 'failure', notify: 'loud'})
    expect(result.exitCode).toBe(1)
    expect(result.stdout.split('\n').at(-1)).toBe('::error::input notify: expected one of failure, always, never, got "loud"')
    expect(job.api.requests).toEqual([])
  })

  it('a reply that fails is a warning: the notice itself was edited', async () => {
    await job.step({...notice, 'chat-ids': String(ON_CALL.id), status: 'started'})
    job.api.failNext({method: 'sendMessage', kind: {status: 403}})
    const failed = await job.step({...notice, 'chat-ids': String(ON_CALL.id), status: 'failure'})
    expect(failed.exitCode).toBe(0)
    expect(failed.stdout.split('\n').slice(1)).toEqual([
      `::warning::chat ${ON_CALL.id}: the notice was edited, but the reply that notifies the chat failed (Call to 'sendMessage' failed (403: Forbidden: bot was blocked by the user): the bot was removed from the chat or blocked)`,
      `edited message 1 in chat ${ON_CALL.id}`,
    ])
    expect(failed.outputs['message-ids']).toBe(`${ON_CALL.id}:1`)
  })
})
