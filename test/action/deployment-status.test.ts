// A workflow `on: deployment_status` runs for every state a deployment goes through (Argo, Heroku, Vercel or a
// deploy job post them). Without a status input the notice follows deployment_status.state, and the environment is
// the deployment's.
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {callsOf, DEPLOY_BOT, FIXTURES, ON_CALL, useActionJob} from './fixture.js'

const job = useActionJob('deployment_status')
const notice = {token: DEPLOY_BOT.token, 'chat-ids': String(ON_CALL.id)}

/** The fixture's event, with the deployment in another state. */
function eventWithState(state: string): Record<string, string> {
  const event = JSON.parse(readFileSync(join(FIXTURES, 'deployment_status.json'), 'utf8')) as {deployment_status: {state: string}}
  event.deployment_status.state = state
  const path = join(job.workspace, '..', `deployment_status-${state}.json`)
  writeFileSync(path, JSON.stringify(event))
  return {GITHUB_EVENT_PATH: path}
}

describe('deployment_status events', () => {
  it('in_progress → started, then success edits it: the environment and commit come from the deployment', async () => {
    const started = await job.step(notice)
    expect(started.exitCode).toBe(0)
    expect(started.outputs.status).toBe('started')
    const success = await job.step(notice, eventWithState('success'))
    expect(success.outputs.status).toBe('success')
    expect(job.api.requests.map((request) => [request.method, String(request.params.text).split('\n')[0]])).toEqual([
      ['sendMessage', '🚀 <b>Deploying fastpay/fastpay-api to production-eu</b>'],
      ['editMessageText', '✅ <b>Deployed fastpay/fastpay-api to production-eu</b>'],
    ])
    expect(String(job.api.requests[1]!.params.text)).toContain(
      '<b>commit</b>: <a href="https://github.com/fastpay/fastpay-api/commit/9f3c2d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e">9f3c2d1</a>',
    )
    expect(success.summary).toBe(`✅ Telegram deploy notice (success, production-eu): edited in ${ON_CALL.id}.\n`)
  })

  it.each([
    ['queued', 'started', '🚀 <b>Deploying fastpay/fastpay-api to production-eu</b>'],
    ['failure', 'failure', '❌ <b>Deploy of fastpay/fastpay-api to production-eu failed</b>'],
    ['error', 'failure', '❌ <b>Deploy of fastpay/fastpay-api to production-eu failed</b>'],
    ['inactive', 'cancelled', '🚫 <b>Deploy of fastpay/fastpay-api to production-eu cancelled</b>'],
  ])('state %s → %s', async (state, status, headline) => {
    const result = await job.step(notice, eventWithState(state))
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe(status)
    expect(callsOf(job.api, 'sendMessage').map((request) => String(request.params.text).split('\n')[0])).toEqual([headline])
  })

  it('a status input still wins, and so does an environment input', async () => {
    const result = await job.step({...notice, status: 'cancelled', environment: 'canary'}, eventWithState('success'))
    expect(result.outputs.status).toBe('cancelled')
    expect(String(callsOf(job.api, 'sendMessage')[0]!.params.text).split('\n')[0]).toBe('🚫 <b>Deploy of fastpay/fastpay-api to canary cancelled</b>')
  })
})
