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

  it('a matrix on one runner, job after job: the second job\'s started and success are held back, one message in all', async () => {
    // One runner runs one job at a time: the first job's success edits its notice before the second job starts.
    const a = {RUNNER_TEMP: `${job.runnerTemp}/a`}
    const b = {RUNNER_TEMP: `${job.runnerTemp}/b`}
    await job.step({...notice, status: 'started'}, a)
    await job.step({...notice, status: 'success'}, a)
    const secondStarted = await job.step({...notice, status: 'started'}, b)
    const secondSuccess = await job.step({...notice, status: 'success'}, b)

    expect(secondStarted.outputs['message-ids']).toBe('')
    expect(secondSuccess.exitCode).toBe(0)
    expect(secondSuccess.stdout.split('\n').slice(1)).toEqual(['deploy notice (success) suppressed: the same notice went out less than 300 s ago'])
    expect(callsOf(job.api, 'sendMessage')).toHaveLength(1)
    expect(callsOf(job.api, 'editMessageText')).toHaveLength(1)
    expect(job.api.messages(ON_CALL.id).map((message) => message.text?.split('\n')[0])).toEqual(['✅ Deployed fastpay/fastpay-api to production'])
  })

  it('a failure in the second job is not the same notice: it goes out', async () => {
    await job.step({...notice, status: 'started'}, {RUNNER_TEMP: `${job.runnerTemp}/a`})
    await job.step({...notice, status: 'success'}, {RUNNER_TEMP: `${job.runnerTemp}/a`})
    const failure = await job.step({...notice, status: 'failure'}, {RUNNER_TEMP: `${job.runnerTemp}/b`})
    expect(failure.outputs['message-ids']).toBe(`${ON_CALL.id}:2`)
  })

  it('a re-run of the same commit (run attempt 2) is another deploy: its started and failure go out within the window', async () => {
    await job.step({...notice, status: 'started'}, {RUNNER_TEMP: `${job.runnerTemp}/a`})
    await job.step({...notice, status: 'failure'}, {RUNNER_TEMP: `${job.runnerTemp}/a`})
    const again = {RUNNER_TEMP: `${job.runnerTemp}/b`, GITHUB_RUN_ATTEMPT: '2'}
    const started = await job.step({...notice, status: 'started'}, again)
    const failure = await job.step({...notice, status: 'failure'}, again)

    expect(started.outputs['message-ids']).toBe(`${ON_CALL.id}:3`)
    expect(failure.outputs['message-ids']).toBe(`${ON_CALL.id}:3`)
    expect(job.api.messages(ON_CALL.id).map((message) => message.text?.split('\n')[0])).toEqual([
      '❌ Deploy of fastpay/fastpay-api to production failed',
      '❌ Deploy failed — see above',
      '❌ Deploy of fastpay/fastpay-api to production failed',
      '❌ Deploy failed — see above',
    ])
  })

  it('without throttle-seconds every notice goes out', async () => {
    const {'throttle-seconds': _window, ...unthrottled} = notice
    await job.step({...unthrottled, status: 'success'}, {RUNNER_TEMP: `${job.runnerTemp}/a`})
    await job.step({...unthrottled, status: 'success'}, {RUNNER_TEMP: `${job.runnerTemp}/b`})
    expect(callsOf(job.api, 'sendMessage')).toHaveLength(2)
  })
})
