// throttle-seconds: a matrix of jobs deploying one commit to one environment posts one notice per window. The
// windows live in the alerts' throttle store (fastpay-tg's state dir), so separate jobs on one runner share them.
import {describe, expect, it} from 'vitest'

import {callsOf, DEPLOY_BOT, ON_CALL, useActionJob} from './fixture.js'

const job = useActionJob('push')
const notice = {token: DEPLOY_BOT.token, 'chat-ids': String(ON_CALL.id), environment: 'production', 'throttle-seconds': '300'}

describe('throttle-seconds', () => {
  it('the same notice again within the window is held back; another status or environment is not', async () => {
    // Each step stands for another job of the matrix: its own RUNNER_TEMP, so no started message to edit.
    const first = await job.step({...notice, status: 'success'}, {RUNNER_TEMP: `${job.runnerTemp}/a`})
    const second = await job.step({...notice, status: 'success'}, {RUNNER_TEMP: `${job.runnerTemp}/b`})
    const otherEnvironment = await job.step({...notice, status: 'success', environment: 'staging'}, {RUNNER_TEMP: `${job.runnerTemp}/c`})

    expect(first.outputs['message-ids']).toBe(`${ON_CALL.id}:1`)
    expect(second.exitCode).toBe(0)
    expect(second.stdout.split('\n').slice(1)).toEqual(['deploy notice (success) suppressed: the same notice went out less than 300 s ago'])
    expect(second.outputs).toEqual({status: 'success', 'message-ids': '', 'chat-ids': ''})
    expect(second.summary).toBe('🔕 Telegram deploy notice (success) suppressed: the same notice went out less than 300 s ago\n')
    expect(otherEnvironment.outputs['message-ids']).toBe(`${ON_CALL.id}:2`)
    expect(callsOf(job.api, 'sendMessage').map((request) => (request.params.text as string).split('\n')[0])).toEqual([
      '✅ <b>Deployed fastpay/fastpay-api to production</b>',
      '✅ <b>Deployed fastpay/fastpay-api to staging</b>',
    ])
  })

  it('without throttle-seconds every notice goes out', async () => {
    const {'throttle-seconds': _window, ...unthrottled} = notice
    await job.step({...unthrottled, status: 'success'}, {RUNNER_TEMP: `${job.runnerTemp}/a`})
    await job.step({...unthrottled, status: 'success'}, {RUNNER_TEMP: `${job.runnerTemp}/b`})
    expect(callsOf(job.api, 'sendMessage')).toHaveLength(2)
  })
})
