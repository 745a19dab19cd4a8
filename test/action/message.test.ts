// The bundled Action run as the runner runs it, for a push and a pull_request event: the message built from the run,
// the outputs and summary files, and the token masked before anything else is printed.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {callsOf, DEPLOY_BOT, occurrences, ON_CALL, OPS_FORUM, useActionJob} from './fixture.js'

const MASK = `::add-mask::${DEPLOY_BOT.token}`
const RUN_URL = 'https://github.com/fastpay/fastpay-api/actions/runs/9876543210'

/** Nothing but the mask line may carry the token: not the log, the outputs, nor the summary. */
function expectTokenOnlyMasked(result: {stdout: string; stderr: string; outputs: Record<string, string>; summary: string}) {
  expect(result.stdout.split('\n')[0]).toBe(MASK)
  expect(occurrences(result.stdout, DEPLOY_BOT.token)).toBe(1)
  expect(occurrences(result.stderr + JSON.stringify(result.outputs) + result.summary, DEPLOY_BOT.token)).toBe(0)
}

describe('push event', () => {
  const job = useActionJob('push')

  it('success: the default message names the repository, environment, branch, linked commit, actor and run', async () => {
    const result = await job.step({
      status: 'success',
      token: DEPLOY_BOT.token,
      'chat-ids': `${OPS_FORUM.id}, ${ON_CALL.id}`,
      environment: 'production',
    })

    const html = [
      '✅ <b>Deployed fastpay/fastpay-api to production</b>',
      '<b>branch</b>: <code>main</code>',
      '<b>commit</b>: <a href="https://github.com/fastpay/fastpay-api/commit/9f3c2d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e">9f3c2d1</a> ' +
        'Round refunds &lt; 1¢ half-even &amp; log &lt;rate&gt; (#128)',
      '<b>by</b>: ana-oncall',
      `<b>run</b>: <a href="${RUN_URL}">Deploy #57</a>`,
    ].join('\n')
    expect(callsOf(job.api, 'sendMessage').map((request) => request.params)).toEqual([
      {chat_id: OPS_FORUM.id, text: html, parse_mode: 'HTML', link_preview_options: {is_disabled: true}},
      {chat_id: ON_CALL.id, text: html, parse_mode: 'HTML', link_preview_options: {is_disabled: true}},
    ])
    // As the reader sees it, once Telegram has parsed the HTML.
    expect(job.api.messages(ON_CALL.id).map((message) => message.text)).toEqual([
      [
        '✅ Deployed fastpay/fastpay-api to production',
        'branch: main',
        'commit: 9f3c2d1 Round refunds < 1¢ half-even & log <rate> (#128)',
        'by: ana-oncall',
        'run: Deploy #57',
      ].join('\n'),
    ])
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout.split('\n')).toEqual([MASK, `sent message 1 in chat ${OPS_FORUM.id}`, `sent message 1 in chat ${ON_CALL.id}`])
    expect(result.outputs).toEqual({status: 'success', 'message-ids': `${OPS_FORUM.id}:1,${ON_CALL.id}:1`, 'chat-ids': `${OPS_FORUM.id},${ON_CALL.id}`})
    expect(result.summary).toBe(`✅ Telegram deploy notice (success, production): sent to ${OPS_FORUM.id}, ${ON_CALL.id}.\n`)
    expectTokenOnlyMasked(result)
  })

  it('a template fills the placeholders with escaped values; a thread and silence reach the Bot API', async () => {
    const template = '{{icon}} {{repository}}@{{ref}} → {{environment}} ({{status}})\n{{commit_title}}\n{{pr}}\n<a href="{{run_url}}">logs</a>'
    const result = await job.step({
      status: 'failure',
      token: DEPLOY_BOT.token,
      'chat-ids': String(OPS_FORUM.id),
      'thread-id': '7',
      'disable-notification': 'true',
      environment: 'staging & eu',
      template,
    })
    expect(result.exitCode).toBe(0)
    expect(callsOf(job.api, 'sendMessage').map((request) => request.params)).toEqual([
      {
        chat_id: OPS_FORUM.id,
        message_thread_id: 7,
        disable_notification: true,
        // The blank {{pr}} line (a push has no pull request) collapses.
        text: `❌ fastpay/fastpay-api@main → staging &amp; eu (failure)\nRound refunds &lt; 1¢ half-even &amp; log &lt;rate&gt; (#128)\n<a href="${RUN_URL}">logs</a>`,
        parse_mode: 'HTML',
        link_preview_options: {is_disabled: true},
      },
    ])
    expect(result.summary).toBe(`❌ Telegram deploy notice (failure, staging & eu): sent to ${OPS_FORUM.id}.\n`)
  })

  it('message-file: the file in the workspace is sent as written, in the parse mode asked for', async () => {
    writeFileSync(join(job.workspace, 'deploy-note.md'), '*Release 2\\.4* is live\n_Runbook_: https://wiki\\.fastpay\\.example/deploy\n')
    const result = await job.step({status: 'success', token: DEPLOY_BOT.token, 'chat-ids': String(ON_CALL.id), 'message-file': 'deploy-note.md', 'parse-mode': 'markdownv2'})
    expect(result.exitCode).toBe(0)
    expect(callsOf(job.api, 'sendMessage').map((request) => [request.params.text, request.params.parse_mode])).toEqual([
      ['*Release 2\\.4* is live\n_Runbook_: https://wiki\\.fastpay\\.example/deploy\n', 'MarkdownV2'],
    ])
  })

  it('the token may come from TELEGRAM_BOT_TOKEN: it is masked as soon as it is read, before any request', async () => {
    const result = await job.step({status: 'started'}, {TELEGRAM_BOT_TOKEN: DEPLOY_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id)})
    expect(result.exitCode).toBe(0)
    expect(result.stdout.split('\n')).toEqual([MASK, `sent message 1 in chat ${ON_CALL.id}`])
    expect(callsOf(job.api, 'sendMessage').map((request) => request.token)).toEqual([DEPLOY_BOT.token])
    expectTokenOnlyMasked(result)
  })

  it('config layering: the registry file named by `config` beats TELEGRAM_BOT_CONFIGS; the deploy channel picks its bot', async () => {
    writeFileSync(
      join(job.workspace, 'telegram-bots.yml'),
      ['bots:', '  - name: alerts', '    token: ${ALERTS_TOKEN}', '    chat_ids: [-1009999]', '  - name: deploy', '    token: ${DEPLOY_TOKEN}', `    chat_ids: [${ON_CALL.id}]`, ''].join('\n'),
      {mode: 0o600},
    )
    const envConfigs = JSON.stringify([{name: 'deploy', token: '5000000001:AAHenvConfigsTokenThatIsNotUsed_000001', chat_ids: [OPS_FORUM.id]}])
    const result = await job.step(
      {status: 'success', config: 'telegram-bots.yml'},
      {DEPLOY_TOKEN: DEPLOY_BOT.token, ALERTS_TOKEN: '5000000002:AAHalertsTokenThatIsNotUsedHere_0000002', TELEGRAM_BOT_CONFIGS: envConfigs},
    )
    expect(result.exitCode).toBe(0)
    expect(callsOf(job.api, 'sendMessage').map((request) => [request.token, request.params.chat_id])).toEqual([[DEPLOY_BOT.token, ON_CALL.id]])
    expectTokenOnlyMasked(result)
  })
})

describe('pull_request event', () => {
  const job = useActionJob('pull_request')

  it('started: the head branch and commit (not the merge), and the pull request with its title', async () => {
    const result = await job.step({status: 'started', token: DEPLOY_BOT.token, 'chat-ids': String(ON_CALL.id), environment: 'preview-42'})
    expect(callsOf(job.api, 'sendMessage').map((request) => request.params.text)).toEqual([
      [
        '🚀 <b>Deploying fastpay/fastpay-api to preview-42</b>',
        '<b>branch</b>: <code>feature/wallet-3ds</code>',
        '<b>commit</b>: <a href="https://github.com/fastpay/fastpay-api/commit/7e1a9b3c5d7f9e1a3b5c7d9f1e3a5b7c9d1f3e5a">7e1a9b3</a>',
        '<b>pull request</b>: <a href="https://github.com/fastpay/fastpay-api/pull/42">#42</a> Wallet top-ups: &lt;3-D Secure&gt; &amp; retries',
        '<b>by</b>: lee-dev',
        `<b>run</b>: <a href="${RUN_URL}">Deploy #57</a>`,
      ].join('\n'),
    ])
    expect(result.outputs).toEqual({status: 'started', 'message-ids': `${ON_CALL.id}:1`, 'chat-ids': String(ON_CALL.id)})
    expect(result.summary).toBe(`🚀 Telegram deploy notice (started, preview-42): sent to ${ON_CALL.id}.\n`)
    expectTokenOnlyMasked(result)
  })

  it('parse-mode none: the default message as plain text, links written out', async () => {
    await job.step({status: 'cancelled', token: DEPLOY_BOT.token, 'chat-ids': String(ON_CALL.id), 'parse-mode': 'none'})
    expect(callsOf(job.api, 'sendMessage').map((request) => request.params)).toEqual([
      {
        chat_id: ON_CALL.id,
        text: [
          '🚫 Deploy of fastpay/fastpay-api cancelled',
          'branch: feature/wallet-3ds',
          'commit: 7e1a9b3 (https://github.com/fastpay/fastpay-api/commit/7e1a9b3c5d7f9e1a3b5c7d9f1e3a5b7c9d1f3e5a)',
          'pull request: #42 (https://github.com/fastpay/fastpay-api/pull/42) Wallet top-ups: <3-D Secure> & retries',
          'by: lee-dev',
          `run: Deploy #57 (${RUN_URL})`,
        ].join('\n'),
        link_preview_options: {is_disabled: true},
      },
    ])
  })
})
