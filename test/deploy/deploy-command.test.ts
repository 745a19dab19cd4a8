// `fastpay-tg deploy`: the Action's message from the same core, for shell scripts. In GitLab CI it reads the CI_*
// variables; `started` prints the message ids, and a later status edits those messages.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {type FakeBotApi, startFakeBotApi} from '../fake-bot-api/server.js'
import {type CliSandbox, createCliSandbox} from '../helpers/run-cli.js'
import {workflowCommands} from '../helpers/runner-commands.js'

const DEPLOY_BOT = {token: '6098765432:AAGm4Tq8Wz1Xc5Vb9Nr3Ke7Lp2Hs6Dj0Fy8', id: 6098765432, username: 'fastpay_deploy_bot'}
const OPS = {id: -1001234567890, type: 'supergroup', title: 'FastPay Ops'} as const
const SHA = '4b8d2f6a0c4e8b2d6f0a4c8e2b6d0f4a8c2e6b0d'

/** What a GitLab runner sets for a deploy job of fastpay/payments-api (a subset of the predefined variables). */
const GITLAB_ENV = {
  GITLAB_CI: 'true',
  CI: 'true',
  CI_SERVER_URL: 'https://gitlab.example.com',
  CI_PROJECT_PATH: 'fastpay/payments-api',
  CI_PROJECT_URL: 'https://gitlab.example.com/fastpay/payments-api',
  CI_COMMIT_SHA: SHA,
  CI_COMMIT_SHORT_SHA: SHA.slice(0, 8),
  CI_COMMIT_BRANCH: 'main',
  CI_COMMIT_REF_NAME: 'main',
  CI_COMMIT_TITLE: 'Settle payouts in batches of 500',
  CI_PIPELINE_ID: '1184467',
  CI_PIPELINE_IID: '812',
  CI_PIPELINE_URL: 'https://gitlab.example.com/fastpay/payments-api/-/pipelines/1184467',
  CI_JOB_NAME: 'deploy-production',
  CI_ENVIRONMENT_NAME: 'production',
  GITLAB_USER_LOGIN: 'ana.oncall',
}

let api: FakeBotApi
let cli: CliSandbox
beforeEach(async () => {
  api = await startFakeBotApi({bots: [DEPLOY_BOT], chats: [OPS]})
  cli = createCliSandbox(api.url)
})
afterEach(async () => {
  await api.close()
  cli.cleanup()
})

const asDeployBot = {TELEGRAM_BOT_TOKEN: DEPLOY_BOT.token, TELEGRAM_CHAT_IDS: String(OPS.id)}
const edits = () => api.requests.filter((request) => request.method === 'editMessageText')

describe('deploy in GitLab CI', () => {
  it('started prints the message ids; success with --message-ids edits that message (another job: no state, no duration)', async () => {
    const started = await cli.run(['deploy', '--status', 'started'], {env: {...GITLAB_ENV, ...asDeployBot}})
    expect(started).toEqual({stdout: `${OPS.id}:1`, stderr: '', exitCode: 0})

    const body = [
      '<b>branch</b>: <code>main</code>',
      `<b>commit</b>: <a href="https://gitlab.example.com/fastpay/payments-api/-/commit/${SHA}">4b8d2f6</a> Settle payouts in batches of 500`,
      '<b>by</b>: ana.oncall',
      '<b>run</b>: <a href="https://gitlab.example.com/fastpay/payments-api/-/pipelines/1184467">pipeline #812</a>',
    ].join('\n')
    expect(api.requests.map((request) => [request.method, request.params.text])).toEqual([
      ['sendMessage', `🚀 <b>Deploying fastpay/payments-api to production</b>\n${body}`],
    ])

    // A later job on another machine: its own state dir, so only --message-ids leads to the message.
    const otherJob = {...GITLAB_ENV, ...asDeployBot, FASTPAY_TG_STATE_DIR: join(cli.env.HOME!, 'other-job-state')}
    const success = await cli.run(['deploy', '--status', 'success', '--message-ids', started.stdout, '--json'], {env: otherJob})
    expect(success.exitCode).toBe(0)
    expect(JSON.parse(success.stdout)).toEqual({
      status: 'success',
      environment: 'production',
      bot: 'env TELEGRAM_BOT_TOKEN',
      messageIds: `${OPS.id}:1`,
      chats: [{chatId: OPS.id, ok: true, outcome: 'edited', messageId: 1}],
    })
    expect(edits().map((request) => request.params)).toEqual([
      {chat_id: OPS.id, message_id: 1, text: `✅ <b>Deployed fastpay/payments-api to production</b>\n${body}`, parse_mode: 'HTML', link_preview_options: {is_disabled: true}},
    ])
    expect(api.messages(OPS.id).map((message) => message.text?.split('\n')[0])).toEqual(['✅ Deployed fastpay/payments-api to production'])
  })
})

describe('deploy from a plain script', () => {
  it('--run-id ties started and failure together through the state file; flags say what no CI does', async () => {
    const flags = ['--environment', 'eu-west', '--repository', 'fastpay/ledger', '--ref', 'refs/tags/v3.2.0', '--actor', 'deploy-bot', '--run-id', '31337']
    const started = await cli.run(['deploy', '--status', 'started', ...flags], {env: asDeployBot})
    expect(started).toEqual({stdout: `${OPS.id}:1`, stderr: '', exitCode: 0})
    const failed = await cli.run(['deploy', '--status', 'failure', ...flags], {env: asDeployBot})
    expect(failed.exitCode).toBe(0)
    expect(failed.stdout).toBe(`${OPS.id}:1`)
    const [edit] = edits()
    expect((edit!.params.text as string).split('\n')).toEqual([
      '❌ <b>Deploy of fastpay/ledger to eu-west failed</b>',
      '<b>tag</b>: <code>v3.2.0</code>',
      '<b>by</b>: deploy-bot',
      expect.stringMatching(/^<b>duration<\/b>: \d+s$/),
    ])
  })

  it('a failure after started edits the notice and replies to it, so the chat is notified (--notify failure, the default)', async () => {
    const flags = ['--environment', 'eu-west', '--repository', 'fastpay/ledger', '--run-id', '1']
    await cli.run(['deploy', '--status', 'started', ...flags], {env: asDeployBot})
    const failed = await cli.run(['deploy', '--status', 'failure', ...flags], {env: asDeployBot})
    expect(failed).toEqual({stdout: `${OPS.id}:1`, stderr: '', exitCode: 0})
    expect(api.requests.map((request) => [request.method, request.params.message_id ?? request.params.reply_parameters ?? null, String(request.params.text).split('\n')[0]])).toEqual([
      ['sendMessage', null, '🚀 <b>Deploying fastpay/ledger to eu-west</b>'],
      ['editMessageText', 1, '❌ <b>Deploy of fastpay/ledger to eu-west failed</b>'],
      ['sendMessage', {message_id: 1, allow_sending_without_reply: true}, '❌ Deploy failed — see above'],
    ])
  })

  it('started twice for one --run-id edits the first notice; the failure edits and replies to it: one notice', async () => {
    const flags = ['--environment', 'production', '--repository', 'fastpay/api', '--run-id', '777']
    const first = await cli.run(['deploy', '--status', 'started', ...flags], {env: asDeployBot})
    const again = await cli.run(['deploy', '--status', 'started', ...flags], {env: asDeployBot})
    const failed = await cli.run(['deploy', '--status', 'failure', ...flags], {env: asDeployBot})
    expect([first.stdout, again.stdout, failed.stdout]).toEqual([`${OPS.id}:1`, `${OPS.id}:1`, `${OPS.id}:1`])
    expect(api.requests.map((request) => [request.method, request.params.message_id ?? request.params.reply_parameters ?? null, String(request.params.text).split('\n')[0]])).toEqual([
      ['sendMessage', null, '🚀 <b>Deploying fastpay/api to production</b>'],
      ['editMessageText', 1, '🚀 <b>Deploying fastpay/api to production</b>'],
      ['editMessageText', 1, '❌ <b>Deploy of fastpay/api to production failed</b>'],
      ['sendMessage', {message_id: 1, allow_sending_without_reply: true}, '❌ Deploy failed — see above'],
    ])
  })

  it('--notify never: the failure only edits the notice; a bad --notify is one line naming the flag', async () => {
    const flags = ['--environment', 'eu-west', '--repository', 'fastpay/ledger', '--run-id', '2']
    await cli.run(['deploy', '--status', 'started', ...flags], {env: asDeployBot})
    await cli.run(['deploy', '--status', 'failure', '--notify', 'never', ...flags], {env: asDeployBot})
    expect(api.requests.map((request) => [request.method, String(request.params.text).split('\n')[0]])).toEqual([
      ['sendMessage', '🚀 <b>Deploying fastpay/ledger to eu-west</b>'],
      ['editMessageText', '❌ <b>Deploy of fastpay/ledger to eu-west failed</b>'],
    ])
    const bad = await cli.run(['deploy', '--status', 'failure', '--notify', 'sometimes'], {env: asDeployBot})
    expect(bad).toEqual({stdout: '', stderr: 'Error: --notify: expected one of failure, always, never, got "sometimes"', exitCode: 2})
  })

  it('--parse-mode markdownv2: a long escaped message is fit to 4,096 visible characters and Telegram takes it', async () => {
    const message = `*bold* ${'a\\.'.repeat(2500)}`
    const result = await cli.run(['deploy', '--run-id', 'r2', '--status', 'started', '--parse-mode', 'markdownv2', '--message', message], {env: asDeployBot})
    expect(result).toEqual({stdout: `${OPS.id}:1`, stderr: 'Warning: the notice is longer than one Telegram message: it was cut to fit, ending with …', exitCode: 0})
    const [sent] = api.messages(OPS.id)
    expect([...sent!.text!].length).toBeLessThanOrEqual(4096)
    expect(sent!.text!.startsWith(`bold ${'a.'.repeat(100)}`)).toBe(true)
  })

  it('a bad --status is one line naming the flag, exit 2, nothing sent', async () => {
    const result = await cli.run(['deploy', '--status', 'done'], {env: asDeployBot})
    expect(result).toEqual({stdout: '', stderr: 'Error: --status: expected one of started, success, failure, cancelled, got "done"', exitCode: 2})
    expect(api.requests).toEqual([])
  })
})

describe('deploy --dry-run in a GitHub Actions step', () => {
  it("a fork's pull request title written as workflow commands stays text, in the notice and under --json", async () => {
    const event = {number: 57, pull_request: {number: 57, title: 'Fix typo ##[error]Production credentials leaked', head: {ref: 'fix-typo', sha: SHA}}}
    const eventPath = join(cli.env.HOME!, 'event.json')
    writeFileSync(eventPath, JSON.stringify(event))
    const github = {GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: eventPath, GITHUB_REPOSITORY: 'fastpay/api', GITHUB_RUN_ID: '9'}
    const args = ['deploy', '--status', 'started', '--dry-run', '--chat', String(OPS.id), '--template', '{{pr_title}}\n::warning::{{pr}}']

    const human = await cli.run(args, {env: github})
    expect(human.exitCode).toBe(0)
    expect(human.stdout).toContain('Fix typo ##[error]Production credentials leaked\n::warning::#57')
    const [stop, ...rest] = workflowCommands(human.stdout)
    expect(stop?.name).toBe('stop-commands')
    expect(rest).toEqual([{name: stop!.data, data: ''}])

    const json = await cli.run([...args, '--json'], {env: github})
    expect(JSON.parse(json.stdout).dryRun.text).toBe('Fix typo ##[error]Production credentials leaked\n::warning::#57')
    expect(workflowCommands(json.stdout)).toEqual([])
    expect(api.requests).toEqual([])
  })
})

describe('deploy --max-bytes', () => {
  it('leaves out a --document over the limit with one warning (the notice goes); a bad value is one line, exit 2', async () => {
    const log = join(cli.env.HOME!, 'deploy.log')
    writeFileSync(log, 'x'.repeat(2000))
    const limited = await cli.run(['deploy', '--status', 'failure', '--run-id', 'r1', '--document', log, '--max-bytes', '1000'], {env: {...GITLAB_ENV, ...asDeployBot}})
    expect(limited.exitCode).toBe(0)
    expect(limited.stderr).toBe(`Warning: --document ${log} is larger than 1,000 bytes: not sent`)
    expect(api.requests.map((request) => request.method)).toEqual(['sendMessage'])

    const bad = await cli.run(['deploy', '--status', 'success', '--max-bytes', '0'], {env: {...GITLAB_ENV, ...asDeployBot}})
    expect(bad).toEqual({exitCode: 2, stdout: '', stderr: 'Error: --max-bytes: expected a number of bytes above 0, got "0"'})
    expect(api.requests).toHaveLength(1)
  })
})
