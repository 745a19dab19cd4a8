// A group upgraded to a supergroup gets a new chat id; the workflow still names the old one. The notice must stay
// one message: the final status edits the message at the new id, and the outputs list each chat once.
import {describe, expect, it} from 'vitest'

import {callsOf, DEPLOY_BOT, useActionJob} from './fixture.js'

const job = useActionJob('push')
const OLD_GROUP = -4001234
const SUPERGROUP = -1004001234
const notice = {token: DEPLOY_BOT.token, 'chat-ids': String(OLD_GROUP), environment: 'production'}

function upgradeGroup() {
  job.api.addChat({id: OLD_GROUP, type: 'group', title: 'FastPay Releases'})
  job.api.migrateChat(OLD_GROUP, SUPERGROUP)
}

describe('after a group → supergroup upgrade', () => {
  it('started goes to the new id; success edits that one message (state file), and the outputs name the chat once', async () => {
    upgradeGroup()
    const started = await job.step({...notice, status: 'started'})
    expect(started.exitCode).toBe(0)
    expect(started.outputs).toEqual({status: 'started', 'message-ids': `${SUPERGROUP}:1`, 'chat-ids': String(SUPERGROUP)})
    expect(started.stdout).toContain(`::warning::chat ${OLD_GROUP} was upgraded to a supergroup; now ${SUPERGROUP}: use the new id from now on`)

    const success = await job.step({...notice, status: 'success'})
    expect(success.exitCode).toBe(0)
    expect(success.outputs).toEqual({status: 'success', 'message-ids': `${SUPERGROUP}:1`, 'chat-ids': String(SUPERGROUP)})
    expect(callsOf(job.api, 'editMessageText').map((request) => [request.params.chat_id, request.params.message_id, request.status])).toEqual([[SUPERGROUP, 1, 200]])
    // One message in the supergroup, now saying ✅: no second notice.
    expect(job.api.messages(SUPERGROUP).map((message) => message.text!.split('\n')[0])).toEqual(['✅ Deployed fastpay/fastpay-api to production'])
    expect(success.summary).toBe(`✅ Telegram deploy notice (success, production): edited in ${SUPERGROUP}.\n`)
  })

  it('a later job with the message-ids output and the old chat id edits the one message too', async () => {
    upgradeGroup()
    const started = await job.step({...notice, status: 'started'})
    const failure = await job.step({...notice, status: 'failure', 'message-ids': started.outputs['message-ids']!}, {RUNNER_TEMP: job.home})
    expect(failure.exitCode).toBe(0)
    expect(failure.outputs['message-ids']).toBe(`${SUPERGROUP}:1`)
    expect(failure.outputs['chat-ids']).toBe(String(SUPERGROUP))
    // The notice edited, and the one reply that pings the chat: nothing else in the supergroup.
    expect(job.api.messages(SUPERGROUP).map((message) => message.text!.split('\n')[0])).toEqual([
      '❌ Deploy of fastpay/fastpay-api to production failed',
      '❌ Deploy failed — see above',
    ])
  })

  it('upgraded between started and success: the old message cannot be edited any more, so one new message, listed once', async () => {
    job.api.addChat({id: OLD_GROUP, type: 'group', title: 'FastPay Releases'})
    await job.step({...notice, status: 'started'})
    job.api.migrateChat(OLD_GROUP, SUPERGROUP)
    const success = await job.step({...notice, status: 'success'})
    expect(success.exitCode).toBe(0)
    expect(success.outputs['message-ids']).toBe(`${SUPERGROUP}:1`)
    expect(success.outputs['chat-ids']).toBe(String(SUPERGROUP))
    expect(job.api.messages(SUPERGROUP)).toHaveLength(1)
  })
})
