// A workflow run for a pull request from a fork gets no secrets: `token: ${{ secrets.TELEGRAM_DEPLOY_TOKEN }}` is
// empty. The deploy must not fail for its notice: a warning naming the token input and why, a summary line, exit 0,
// unless fail-on-error asks otherwise. And every Action error speaks of inputs, never of CLI flags.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {DEPLOY_BOT, ON_CALL, useActionJob} from './fixture.js'

const REGISTRY = `bots:\n  - name: deploy\n    token: \${DEPLOY_TOKEN}\n    chat_ids: [${ON_CALL.id}]\n`
const FORK_WHY = 'this run is for a pull request from the fork outside-contrib/fastpay-api, and GitHub gives such runs no secrets'

describe('a pull request from a fork: the token input is empty', () => {
  const job = useActionJob('pull_request_fork')
  const preview = {token: '', 'chat-ids': String(ON_CALL.id), environment: 'preview-57', status: 'started'}

  it('a warning naming the token input and the fork, a summary line, empty outputs, exit 0, nothing sent', async () => {
    const result = await job.step(preview)
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe(`::warning::input token is empty: deploy notice (started, preview-57) not sent; ${FORK_WHY}`)
    expect(result.summary).toBe(`⚠️ Telegram deploy notice (started, preview-57) not sent: input token is empty; ${FORK_WHY}.\n`)
    expect(result.outputs).toEqual({status: 'started', 'message-ids': '', 'chat-ids': ''})
    expect(job.api.requests).toEqual([])
  })

  it('fail-on-error: true turns the same line into the step\'s error', async () => {
    const result = await job.step({...preview, 'fail-on-error': 'true'})
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toBe(`::error::input token is empty: deploy notice (started, preview-57) not sent; ${FORK_WHY}`)
    expect(job.api.requests).toEqual([])
  })
})

describe('the token input is empty on a push (a missing secret)', () => {
  const job = useActionJob('push')

  it('the warning says where else to look', async () => {
    const result = await job.step({token: '', 'chat-ids': String(ON_CALL.id), status: 'success'})
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe(
      '::warning::input token is empty: deploy notice (success) not sent; a workflow run for a pull request from a fork gets no secrets; ' +
        'otherwise check that the secret exists and is spelled right',
    )
  })

  it.each([
    [{TELEGRAM_BOT_CONFIGS: ''}, 'env TELEGRAM_BOT_CONFIGS'],
    [{TELEGRAM_BOT_TOKEN: ' ', TELEGRAM_CHAT_IDS: String(ON_CALL.id)}, 'env TELEGRAM_BOT_TOKEN'],
    [{TELEGRAM_BOT_CONFIGS: '', TELEGRAM_BOT_TOKEN: ''}, 'env TELEGRAM_BOT_CONFIGS and TELEGRAM_BOT_TOKEN'],
  ])('no token input and an env layer passed empty (%o, a secret misnamed): the warning names what is empty', async (env, named) => {
    const result = await job.step({status: 'success'}, env)
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe(
      `::warning::input token and ${named} are empty: deploy notice (success) not sent; a workflow run for a pull request from a fork gets ` +
        'no secrets; otherwise check that the secret exists and is spelled right',
    )
    expect(job.api.requests).toEqual([])
  })

  it('a registry whose token is ${DEPLOY_TOKEN}, empty in this run: named, and still a warning', async () => {
    writeFileSync(join(job.workspace, 'bots.yml'), REGISTRY, {mode: 0o600})
    const result = await job.step({status: 'success', config: 'bots.yml'}, {DEPLOY_TOKEN: ''})
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe(
      '::warning::input token is empty (bot "deploy" in bots.yml takes its token from ${DEPLOY_TOKEN}, which is empty): deploy notice (success) ' +
        'not sent; a workflow run for a pull request from a fork gets no secrets; otherwise check that the secret exists and is spelled right',
    )
    expect(job.api.requests).toEqual([])
  })

  it('a registry whose ${DEPLOY_TOKEN} the step never got (no env:), and no token input: that variable is named, no secret blamed', async () => {
    writeFileSync(join(job.workspace, 'bots.yml'), REGISTRY, {mode: 0o600})
    const result = await job.step({status: 'success', config: 'bots.yml'})
    const fix = "the registry's token variable DEPLOY_TOKEN is not set; pass it to the step with env: in the workflow"
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe(`::warning::deploy notice (success) not sent: ${fix} (bot "deploy" in bots.yml takes its token from \${DEPLOY_TOKEN})`)
    expect(result.summary).toBe(`⚠️ Telegram deploy notice (success) not sent: ${fix}.\n`)
    const failed = await job.step({status: 'success', config: 'bots.yml', 'fail-on-error': 'true'})
    expect(failed.exitCode).toBe(1)
    expect(failed.stdout).toBe(`::error::deploy notice (success) not sent: ${fix} (bot "deploy" in bots.yml takes its token from \${DEPLOY_TOKEN})`)
    expect(job.api.requests).toEqual([])
  })
})

describe('a fork\'s pull request with a registry: its ${DEPLOY_TOKEN} is unset because GitHub withheld the secret', () => {
  const job = useActionJob('pull_request_fork')

  it('the fork is named, as for the token input', async () => {
    writeFileSync(join(job.workspace, 'bots.yml'), REGISTRY, {mode: 0o600})
    const result = await job.step({status: 'started', config: 'bots.yml'})
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe(
      `::warning::input token is empty (bot "deploy" in bots.yml takes its token from \${DEPLOY_TOKEN}, which is not set): deploy notice (started) not sent; ${FORK_WHY}`,
    )
  })
})

describe('Action errors name inputs, never CLI flags', () => {
  const job = useActionJob('push')

  it.each([
    [{token: '', 'fail-on-error': 'true'}, '::error::input token is empty: deploy notice (success) not sent; a workflow run for a pull request from a fork gets no secrets; otherwise check that the secret exists and is spelled right'],
    [{'chat-ids': 'ops room'}, '::error::input chat-ids: "ops room" is not a chat id (integer or @username)'],
    [{'thread-id': '0'}, '::error::input thread-id: expected a positive integer (a forum topic id), got "0"'],
    [{timeout: 'soon'}, '::error::input timeout: expected a number of seconds above 0, got "soon"'],
    [{deadline: '-1'}, '::error::input deadline: expected a number of seconds above 0, got "-1"'],
    [{'chat-ids': ''}, '::error::no chat to send to: give input chat-ids, or set TELEGRAM_CHAT_IDS'],
    [{document: 'dist/missing.tgz'}, '::error::input document: cannot read "dist/missing.tgz" (ENOENT)'],
    [{photo: 'shots/none.png'}, '::error::input photo: cannot read "shots/none.png" (ENOENT)'],
  ])('%j → %s', async (inputs, line) => {
    const result = await job.step({status: 'success', token: DEPLOY_BOT.token, 'chat-ids': String(ON_CALL.id), ...inputs})
    expect(result.exitCode).toBe(1)
    expect(result.stdout.split('\n').at(-1)).toBe(line)
    expect(result.stdout).not.toMatch(/--[a-z]/)
    expect(job.api.requests).toEqual([])
  })
})
