// A Telegram that accepts connections and never answers must not hold a deploy: each request gives up after the
// `timeout` input (default 10 s), the whole notice after `deadline` (default 45 s). Past the deadline the notice is
// reported as not sent, and the step moves on. The fake Bot API's `hang` fault swallows requests; the test sets
// short times so that it runs in a few seconds.
import {describe, expect, it} from 'vitest'

import {callsOf, DEPLOY_BOT, ON_CALL, OPS_FORUM, useActionJob} from './fixture.js'

const job = useActionJob('push')
const notice = {token: DEPLOY_BOT.token, 'chat-ids': String(ON_CALL.id), environment: 'production'}

describe('timeout: per request', () => {
  it('a request that hangs is given up after the timeout and tried again, and the notice goes out', async () => {
    job.api.failNext({method: 'sendMessage', kind: {hang: true}})
    // The retry must be answered within the same timeout: 2 s, not less, so that a loaded machine does not cut it too.
    const result = await job.step({...notice, status: 'started', timeout: '2'})
    expect(result.exitCode).toBe(0)
    // The first attempt was never answered; the retry was.
    expect(callsOf(job.api, 'sendMessage').map((request) => request.status)).toEqual([undefined, 200])
    expect(result.outputs['message-ids']).toBe(`${ON_CALL.id}:1`)
  })
})

describe('deadline: the whole notice', () => {
  it('past the deadline: a warning that the notice was not sent, empty outputs, a summary line, exit 0', async () => {
    job.api.failNext({method: 'sendMessage', kind: {hang: true}, times: 100})
    const result = await job.step({...notice, status: 'started', timeout: '1', deadline: '1.5'})
    expect(result.exitCode).toBe(0)
    expect(result.stdout.split('\n').slice(1)).toEqual([`::warning::deploy notice not delivered to ${ON_CALL.id} (not sent: the deadline of 1.5 s passed)`])
    expect(result.outputs).toEqual({status: 'started', 'message-ids': '', 'chat-ids': ''})
    expect(result.summary).toBe(`⚠️ Telegram deploy notice (started, production): failed for ${ON_CALL.id}.\n`)
    // Nothing was ever answered: every attempt hung until the timeout or the deadline cut it.
    const attempts = callsOf(job.api, 'sendMessage')
    expect(attempts.length).toBeGreaterThanOrEqual(1)
    expect(attempts.every((request) => request.status === undefined)).toBe(true)
  })

  it('edits that run out of time are reported, not replaced by new messages; fail-on-error fails the step', async () => {
    await job.step({...notice, 'chat-ids': `${OPS_FORUM.id},${ON_CALL.id}`, status: 'started'})
    job.api.failNext({method: 'editMessageText', kind: {hang: true}, times: 100})
    const result = await job.step({...notice, 'chat-ids': `${OPS_FORUM.id},${ON_CALL.id}`, status: 'success', timeout: '5', deadline: '1', 'fail-on-error': 'true'})
    expect(result.exitCode).toBe(1)
    expect(result.stdout.split('\n').at(-1)).toBe(
      `::error::deploy notice not delivered to ${OPS_FORUM.id} (not sent: the deadline of 1 s passed), ${ON_CALL.id} (not sent: the deadline of 1 s passed)`,
    )
    // No new message was sent in place of an edit that ran out of time.
    expect(callsOf(job.api, 'sendMessage')).toHaveLength(2)
  })

  it('a deadline past what a timer holds (over 24 days, "no deadline" written as 9999999) is an input error, not a notice given up at once', async () => {
    const result = await job.step({...notice, status: 'started', deadline: '9999999'})
    expect(result.exitCode).toBe(1)
    expect(result.stdout.split('\n').at(-1)).toBe('::error::input deadline: expected at most 2073600 seconds (24 days), got "9999999"')
    expect(result.stderr).toBe('')
    expect(job.api.requests).toEqual([])
  })

  it('a timeout past what a timer holds names the input too', async () => {
    const result = await job.step({...notice, status: 'started', timeout: '9999999'})
    expect(result.exitCode).toBe(1)
    expect(result.stdout.split('\n').at(-1)).toBe('::error::input timeout: expected at most 2073600 seconds (24 days), got "9999999"')
    expect(job.api.requests).toEqual([])
  })
})
