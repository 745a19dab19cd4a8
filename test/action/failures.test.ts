// When the notice cannot go out: a Telegram outage is a warning unless fail-on-error asks for a failed step; a
// mistake in the inputs always fails the step, with one `::error::` line naming the input. The token stays masked.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {DEPLOY_BOT, deadApiRoot, occurrences, ON_CALL, type StepResult, useActionJob} from './fixture.js'

const job = useActionJob('push')
const MASK = `::add-mask::${DEPLOY_BOT.token}`
const valid = {status: 'success', token: DEPLOY_BOT.token, 'chat-ids': String(ON_CALL.id)}

/** The step failed with exactly this `::error::` line after the mask, sent nothing, and never showed the token. */
function expectInputError(result: StepResult, message: string) {
  expect({exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr}).toEqual({exitCode: 1, stdout: `${MASK}\n::error::${message}`, stderr: ''})
  expect(job.api.requests).toEqual([])
}

describe('Telegram unreachable', () => {
  it('fail-on-error false (the default): a warning, outputs still set, and the step succeeds', async () => {
    const apiRoot = await deadApiRoot()
    const result = await job.step(valid, {TELEGRAM_API_BASE_URL: apiRoot})
    const port = new URL(apiRoot).port
    expect(result.exitCode).toBe(0)
    expect(result.stdout.split('\n')).toEqual([
      MASK,
      `::warning::deploy notice not delivered to ${ON_CALL.id} (Call to 'sendMessage' failed: connect ECONNREFUSED 127.0.0.1:${port})`,
    ])
    expect(result.outputs).toEqual({status: 'success', 'message-ids': '', 'chat-ids': ''})
    expect(result.summary).toBe(`⚠️ Telegram deploy notice (success): failed for ${ON_CALL.id}.\n`)
    expect(occurrences(result.stdout, DEPLOY_BOT.token)).toBe(1)
  })

  it('fail-on-error true: the step fails with the same line as an error', async () => {
    const apiRoot = await deadApiRoot()
    const result = await job.step({...valid, 'fail-on-error': 'true'}, {TELEGRAM_API_BASE_URL: apiRoot})
    expect(result.exitCode).toBe(1)
    expect(result.stdout.split('\n')).toEqual([
      MASK,
      `::error::deploy notice not delivered to ${ON_CALL.id} (Call to 'sendMessage' failed: connect ECONNREFUSED 127.0.0.1:${new URL(apiRoot).port})`,
    ])
    expect(occurrences(result.stdout + result.stderr + result.summary, DEPLOY_BOT.token)).toBe(1)
  })

  it('Telegram refusing the token is not an input error: a warning by default', async () => {
    const revoked = '4000000001:AAHx9Kq2Lm7Np3Rs8Tv4Wx1Yz6Ab5Cd0Ef2'
    const result = await job.step({...valid, token: revoked})
    expect(result.exitCode).toBe(0)
    expect(result.stdout.split('\n')).toEqual([
      `::add-mask::${revoked}`,
      `::warning::deploy notice not delivered to ${ON_CALL.id} (Call to 'sendMessage' failed (401: Unauthorized): the bot token is wrong (ask @BotFather))`,
    ])
  })
})

describe('invalid inputs fail the step, whatever fail-on-error says', () => {
  it('an unknown status', async () => {
    expectInputError(await job.step({...valid, status: 'deployed'}), 'input status: expected one of started, success, failure, cancelled, got "deployed"')
  })

  it('no status at all (run outside the runner, where action.yml\'s job.status default does not apply)', async () => {
    expectInputError(await job.step({...valid, status: ''}), 'input status: required: expected one of started, success, failure, cancelled')
  })

  it('a chat id that is neither a number nor an @username', async () => {
    expectInputError(
      await job.step({...valid, 'chat-ids': `${ON_CALL.id}\nops room`}),
      'input chat-ids: "ops room" is not a chat id (integer or @username)',
    )
  })

  it('a template with an unknown placeholder', async () => {
    expectInputError(
      await job.step({...valid, template: '{{icon}} {{branch}} deployed'}),
      'input template: unknown placeholder {{branch}} (known: icon, status, title, repository, environment, ref, ref_type, sha, ' +
        'commit_url, commit_title, actor, workflow, run_number, run_url, pr, pr_url, pr_title, duration, details)',
    )
  })

  it('a template with an unclosed placeholder', async () => {
    expectInputError(await job.step({...valid, template: '{{icon}} {{title'}), 'input template: "{{" without a closing "}}" at "{{title"')
  })

  it('a template whose placeholders all come out empty (a push has no pull request)', async () => {
    expectInputError(await job.step({...valid, template: '{{pr}} {{pr_title}}'}), 'input template: every placeholder came out empty: nothing is left to send')
  })

  it('message and template together', async () => {
    expectInputError(
      await job.step({...valid, message: 'done', template: '{{title}}', 'fail-on-error': 'false'}),
      'input message and input template exclude each other: give one (or none, for the default message)',
    )
  })

  it('message-ids that are not chatId:messageId pairs', async () => {
    expectInputError(
      await job.step({...valid, 'message-ids': `${ON_CALL.id}:7,${ON_CALL.id}`}),
      'input message-ids: expected chatId:messageId pairs separated by commas, like -1001234567890:17, got "4242"',
    )
  })

  it('fail-on-error that is not a boolean', async () => {
    expectInputError(await job.step({...valid, 'fail-on-error': 'yes'}), 'input fail-on-error: expected true or false, got "yes"')
  })

  it('throttle-seconds that is not a whole number', async () => {
    expectInputError(
      await job.step({...valid, 'throttle-seconds': '1.5'}),
      'input throttle-seconds: expected a whole number of seconds (0 turns throttling off), got "1.5"',
    )
  })

  it('a registry token in the OS keychain: the Action has no keychain, and says what to do instead', async () => {
    writeFileSync(join(job.workspace, 'bots.yml'), `bots:\n  - name: deploy\n    token: keychain:deploy\n    chat_ids: [${ON_CALL.id}]\n`, {mode: 0o600})
    const result = await job.step({status: 'started', config: 'bots.yml'})
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      /^::error::bot "deploy" in bots\.yml: keychain unavailable: the keyring module did not load .*; the Action cannot read the OS keychain: give the token input, or token: \$\{ENV_VAR\} in the registry$/,
    )
    expect(job.api.requests).toEqual([])
  })

  it('no chat anywhere', async () => {
    expectInputError(
      await job.step({status: 'started', token: DEPLOY_BOT.token}),
      'no chat to send to: give input chat-ids, or set TELEGRAM_CHAT_IDS',
    )
  })

  it('an empty message-file', async () => {
    writeFileSync(join(job.workspace, 'empty.md'), '\n')
    expectInputError(await job.step({...valid, 'message-file': 'empty.md'}), 'input message-file: the message is empty')
  })

  it('an unreadable message-file', async () => {
    expectInputError(await job.step({...valid, 'message-file': 'notes/missing.md'}), 'input message-file: cannot read "notes/missing.md" (ENOENT)')
  })
})

describe('an event file the runner would never write fails the step with one line naming GITHUB_EVENT_PATH', () => {
  it.each([
    ['not json', 'is not valid JSON'],
    ['null', 'holds null, not an event object'],
    ['[]', 'holds an array, not an event object'],
  ])('%s: %s', async (content, problem) => {
    const path = join(job.workspace, '..', 'event.json')
    writeFileSync(path, `${content}\n`)
    // A status given or not: the event is read either way (for a deployment_status state, and for the message).
    for (const status of ['started', '']) {
      const result = await job.step({...valid, status}, {GITHUB_EVENT_PATH: path})
      expectInputError(result, `GITHUB_EVENT_PATH: ${path} ${problem}`)
    }
  })
})
