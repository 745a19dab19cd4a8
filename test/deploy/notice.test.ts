// The pieces of a notice: durations, message ids, templates, the default layout in each parse mode, and the
// validation both doors share.
import {describe, expect, it} from 'vitest'

import {
  checkTemplate,
  type DeployContext,
  formatMessageIds,
  type NoticeFacts,
  noticeValues,
  parseDeployOptions,
  parseMessageIds,
  renderDefaultNotice,
  renderReply,
  renderTemplate,
} from '../../src/deploy/index.js'
import {parseTelegramMarkdownV2} from '../fake-bot-api/markdown-v2-check.js'
import {seeded} from '../helpers/seeded-random.js'
import {formatDuration} from '../../src/support/duration.js'

/** The message of what `run` throws, to compare whole (toThrow(string) only looks for a part). */
function thrownMessage(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('nothing was thrown')
}

const context: DeployContext = {
  provider: 'github',
  repository: 'fastpay/api_v2',
  ref: {kind: 'branch', name: 'hotfix/fee-1.5%'},
  sha: '9f3c2d1e8b7a6f5e',
  commitUrl: 'https://github.com/fastpay/api_v2/commit/9f3c2d1e8b7a6f5e',
  commitTitle: 'Cap fees at 1.5% (was 2.0)',
  actor: 'ana-oncall',
  workflow: 'Deploy',
  runNumber: 57,
  runUrl: 'https://github.com/fastpay/api_v2/actions/runs/1',
}
const facts: NoticeFacts = {status: 'success', environment: 'prod-eu', context, durationMs: 192_000}

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45_999, '45s'],
    [192_000, '3m 12s'],
    [3_599_000, '59m 59s'],
    [3_870_000, '1h 04m'],
    [-5_000, '0s'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})

describe('message ids', () => {
  it('parses and formats chatId:messageId pairs, @usernames included', () => {
    const refs = parseMessageIds(' -1001234567890:17, @fastpay_status:9 ,')
    expect(refs).toEqual([{chatId: -1001234567890, messageId: 17}, {chatId: '@fastpay_status', messageId: 9}])
    expect(formatMessageIds(refs as never)).toBe('-1001234567890:17,@fastpay_status:9')
    expect(parseMessageIds('')).toEqual([])
  })

  it.each([
    ['42', 'expected chatId:messageId pairs separated by commas, like -1001234567890:17, got "42"'],
    ['42:0', 'expected chatId:messageId pairs separated by commas, like -1001234567890:17, got "42:0"'],
    ['ops:3', 'expected chatId:messageId pairs separated by commas, like -1001234567890:17, got "ops:3"'],
    ['42:1,42:2', 'chat 42 is listed twice'],
  ])('%s is refused: %s', (text, problem) => {
    expect(parseMessageIds(text)).toEqual({problem})
  })
})

describe('the default notice in each parse mode', () => {
  it('MarkdownV2: every reserved character escaped, links in (...) form', () => {
    expect(renderDefaultNotice(facts, 'MarkdownV2')).toBe(
      [
        '✅ *Deployed fastpay/api\\_v2 to prod\\-eu*',
        '*branch*: `hotfix/fee-1.5%`',
        '*commit*: [9f3c2d1](https://github.com/fastpay/api_v2/commit/9f3c2d1e8b7a6f5e) Cap fees at 1\\.5% \\(was 2\\.0\\)',
        '*by*: ana\\-oncall',
        '*run*: [Deploy \\#57](https://github.com/fastpay/api_v2/actions/runs/1)',
        '*duration*: 3m 12s',
      ].join('\n'),
    )
  })

  it('nothing known but the status: the headline alone', () => {
    expect(renderDefaultNotice({status: 'failure', context: {provider: 'none'}}, 'HTML')).toBe('❌ <b>Deploy failed</b>')
    expect(renderDefaultNotice({status: 'started', environment: 'prod', context: {provider: 'none'}}, undefined)).toBe('🚀 Deploying to prod')
  })
})

describe('templates', () => {
  const values = noticeValues({...facts, context: {...context, commitTitle: 'Fix <script> & co'}}, 'HTML')

  it('placeholders get escaped values; a line of empty placeholders vanishes, a blank line written stays', () => {
    const template = '{{icon}} <b>{{title}}</b>\n{{ pr }} {{pr_title}}\n\n{{commit_title}}\n<a href="{{run_url}}">run</a> {{duration}}'
    expect(renderTemplate(template, values)).toBe(
      '✅ <b>Deployed fastpay/api_v2 to prod-eu</b>\n\nFix &lt;script&gt; &amp; co\n<a href="https://github.com/fastpay/api_v2/actions/runs/1">run</a> 3m 12s',
    )
  })

  it.each([
    ['', '--template: the template is empty'],
    ['{{icon}} {{ sha}} {{nope}}', '--template: unknown placeholder {{nope}} (known: icon, status, title, repository, environment, ref, ref_type, sha, commit_url, commit_title, actor, workflow, run_number, run_url, pr, pr_url, pr_title, duration, details)'],
    ['{{title}} {{ref', '--template: "{{" without a closing "}}" at "{{ref"'],
  ])('%j is refused', (template, message) => {
    expect(thrownMessage(() => checkTemplate(template, '--template'))).toBe(message)
  })
})

describe('parseDeployOptions', () => {
  const label = (name: string) => `input ${name}`

  it('applies the defaults for everything left blank', () => {
    expect(parseDeployOptions({status: 'Started', environment: '', 'chat-ids': '', 'parse-mode': ''}, label)).toEqual({
      status: 'started',
      environment: undefined,
      messageRefs: [],
      chats: [],
      threadId: undefined,
      text: {kind: 'default'},
      parseMode: 'HTML',
      silent: false,
      throttleSeconds: 0,
      notify: 'failure',
      linkPreview: false,
      protect: false,
      attachments: [],
      dryRun: false,
      deadlineSeconds: 45,
      maxUploadBytes: 50_000_000,
    })
  })

  it('reads the notify mode, the files, the switches and a fractional deadline', () => {
    const options = parseDeployOptions(
      {status: 'failure', notify: 'Always', 'link-preview': 'true', 'protect-content': 'true', 'dry-run': 'true', document: ' dist/app.tgz ', photo: 'shot.png', deadline: '1.5'},
      label,
    )
    expect(options).toMatchObject({
      notify: 'always',
      linkPreview: true,
      protect: true,
      dryRun: true,
      deadlineSeconds: 1.5,
      attachments: [
        {kind: 'document', path: 'dist/app.tgz', label: 'input document'},
        {kind: 'photo', path: 'shot.png', label: 'input photo'},
      ],
    })
  })

  it.each([
    ['in_progress', 'started'],
    ['queued', 'started'],
    ['pending', 'started'],
    ['success', 'success'],
    ['failure', 'failure'],
    ['error', 'failure'],
    ['inactive', 'cancelled'],
  ])('the deployment state %s reads as the status %s', (state, status) => {
    expect(parseDeployOptions({status: state}, label).status).toBe(status)
  })

  it('reads chat ids one per line or comma-separated, a thread, booleans in YAML core spelling', () => {
    const options = parseDeployOptions(
      {status: 'success', 'chat-ids': '-1001234567890\n@fastpay_status, 42', 'thread-id': '7', 'disable-notification': 'TRUE', 'parse-mode': 'MarkdownV2', 'throttle-seconds': '0'},
      label,
    )
    expect(options).toMatchObject({chats: ['-1001234567890', '@fastpay_status', '42'], threadId: 7, silent: true, parseMode: 'MarkdownV2', throttleSeconds: 0})
  })

  it.each([
    [{status: 'success', 'thread-id': '-3'}, 'input thread-id: expected a positive integer (a forum topic id), got "-3"'],
    [{status: 'success', 'parse-mode': 'markdown'}, 'input parse-mode: expected one of html, markdownv2, none, got "markdown"'],
    [{status: 'success', 'disable-notification': 'yes'}, 'input disable-notification: expected true or false, got "yes"'],
    [{status: 'failure', notify: 'loudly'}, 'input notify: expected one of failure, always, never, got "loudly"'],
    [{status: 'failure', 'link-preview': 'on'}, 'input link-preview: expected true or false, got "on"'],
    [{status: 'failure', 'protect-content': '1'}, 'input protect-content: expected true or false, got "1"'],
    [{status: 'failure', 'dry-run': 'maybe'}, 'input dry-run: expected true or false, got "maybe"'],
    [{status: 'failure', deadline: '0'}, 'input deadline: expected a number of seconds above 0, got "0"'],
    [{status: 'failure', deadline: '45s'}, 'input deadline: expected a number of seconds above 0, got "45s"'],
    [{status: 'nope', 'thread-id': 'x'}, 'input status: expected one of started, success, failure, cancelled, got "nope" (and 1 more problem)'],
    [{}, 'input status: required: expected one of started, success, failure, cancelled'],
    // These messages quote the bad part themselves: the whole value is not repeated.
    [{status: 'success', 'chat-ids': '42, ops room'}, 'input chat-ids: "ops room" is not a chat id (integer or @username)'],
    [
      {status: 'success', 'message-ids': 'x', 'chat-ids': 'y', notify: 'z'},
      'input message-ids: expected chatId:messageId pairs separated by commas, like -1001234567890:17, got "x" (and 2 more problems)',
    ],
    [{status: 'success', message: 'a', 'message-file': 'b.md', template: '{{title}}'}, 'input message and input message-file and input template exclude each other: give one (or none, for the default message)'],
  ])('%j → %s', (raw, message) => {
    expect(thrownMessage(() => parseDeployOptions(raw, label))).toBe(message)
  })
})

describe('MarkdownV2 notices as Telegram reads them', () => {
  // Run facts are anyone's text (a fork's PR title, a branch name): every one of Telegram's reserved characters, a
  // backslash, line breaks and emoji, in every field, with the default layout, the reply and a template.
  const random = seeded(7_2026)
  const ugly = () => Array.from({length: 1 + Math.floor(random() * 400)}, () => '_*[]()~`>#+-=|{}.!\\\n a🏟'[Math.floor(random() * 30)]).join('')
  const template = '{{icon}} *{{title}}*\n_{{commit_title}}_ [{{sha}}]({{commit_url}}) ||{{actor}}|| `{{ref}}`\n>{{pr_title}}\n{{details}}'

  it('the default notice, the reply and a template parse for 200 generated runs, and stay within 4,096', () => {
    for (let run = 0; run < 200; run++) {
      const given: NoticeFacts = {
        status: (['started', 'success', 'failure', 'cancelled'] as const)[run % 4]!,
        environment: ugly(),
        durationMs: run * 1000,
        context: {
          provider: run % 2 ? 'github' : 'gitlab',
          repository: ugly(),
          ref: {kind: 'branch', name: ugly()},
          sha: '9f3c2d1e8b7a6f5e',
          commitUrl: `https://example.com/c/${ugly().replace(/\s/g, '')}`,
          commitTitle: ugly(),
          actor: ugly(),
          workflow: ugly(),
          runNumber: run,
          runUrl: 'https://example.com/runs/(1)',
          pullRequest: {number: run, label: `#${run}`, url: 'https://example.com/pr/1', title: ugly()},
        },
      }
      for (const text of [renderDefaultNotice(given, 'MarkdownV2'), renderReply(given, 'MarkdownV2'), renderTemplate(template, noticeValues(given, 'MarkdownV2'))]) {
        const parsed = parseTelegramMarkdownV2(text)
        expect(parsed.ok ? 'ok' : `${parsed.error} in ${JSON.stringify(text)}`).toBe('ok')
        if (parsed.ok) expect([...parsed.text].length).toBeLessThanOrEqual(4096)
      }
    }
  })
})
