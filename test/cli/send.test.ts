// `send` end to end: long HTML split into parts Telegram accepts, files from stdin and from a path, several chats,
// and the flags that become Bot API parameters. The fake server checks HTML and lengths as Telegram does.
import {randomBytes} from 'node:crypto'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

import {parseTelegramHtml} from '../fake-bot-api/server.js'
import {ALERTS_BOT, callsOf, expectUsageError, jsonOf, ON_CALL, OPS_FORUM, STATUS_CHANNEL, useCliWorld, writeRegistry} from './fixture.js'

const world = useCliWorld()
const BIN = join(import.meta.dirname, '../../bin/run.js')
const asAlerts = ['--token', ALERTS_BOT.token]

/**
 * Exactly 9,000 characters of Telegram HTML: bold, links with escaped query strings, entities, and a <pre> block
 * long enough that a part boundary falls inside it.
 */
function longHtmlReport(): string {
  const lines: string[] = []
  for (let batch = 1; lines.join('').length < 3000; batch++) {
    lines.push(`<b>batch ${batch}</b> settled &amp; <a href="https://status.example.com/b/${batch}?a=1&amp;b=2">receipt</a> &lt;ok&gt;\n`)
  }
  lines.push('<pre>')
  for (let row = 1; lines.join('').length < 6000; row++) lines.push(`row ${String(row).padStart(4, '0')} | 1 &lt; 2 | <i>n/a</i>\n`)
  lines.push('</pre>\n')
  for (let batch = 1; lines.join('').length < 8900; batch++) lines.push(`<i>refund ${batch}</i> queued for <code>acct-${batch}</code>\n`)
  const text = lines.join('')
  return text + 'x'.repeat(9000 - text.length)
}

describe('long messages', () => {
  it('MarkdownV2 cut by --max-bytes inside a link: the link is left out and Telegram takes the rest', async () => {
    const markdown = '*deploy* done, see [the run](https://ci.example.com/runs/1) for logs'
    const result = await world.run(['send', ...asAlerts, '--chat', String(ON_CALL.id), '--parse-mode', 'markdownv2', '--max-bytes', '40'], {input: markdown})
    expect(result.exitCode).toBe(0)
    expect(world.api.messages(ON_CALL.id).map((message) => message.text)).toEqual([
      'deploy done,…\n\n[cut: the input was longer than 40 bytes; the rest was not sent (--max-bytes to change)]',
    ])
  })

  it('a long MarkdownV2 block quote with bold across its lines: every part is accepted', async () => {
    // The quote's lines are each bold from the first line to the last; a cut inside it must close the bold before
    // the line break, or the closing * on a new line ends the quote first and Telegram refuses the part.
    const lines = Array.from({length: 160}, (_, index) => `>incident ${index} settled\\. refund queued \\(batch ${index}\\)`)
    const markdown = `*${lines.join('\n')}*\nend`.replace('*>', '>*')
    const result = await world.run(['send', ...asAlerts, '--chat', String(ON_CALL.id), '--parse-mode', 'markdownv2', '--file', '-'], {input: markdown})
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    const parts = callsOf(world.api, 'sendMessage')
    expect(parts.length).toBeGreaterThan(1)
    expect(parts.map((part) => part.status)).toEqual(parts.map(() => 200))
  })

  it('a 9,000-character HTML message is split into parts the server accepts, with nothing lost', async () => {
    const html = longHtmlReport()
    expect(html).toHaveLength(9000)
    const result = await world.run(['send', ...asAlerts, '--chat', String(ON_CALL.id), '--parse-mode', 'html', '--file', '-'], {input: html})
    expect(result).toEqual({stdout: 'sent to 4242: message 1, 2, 3', stderr: '', exitCode: 0})

    const parts = callsOf(world.api, 'sendMessage')
    expect(parts.map((part) => [part.status, part.params.parse_mode])).toEqual([[200, 'HTML'], [200, 'HTML'], [200, 'HTML']])
    for (const part of parts) {
      const text = part.params.text as string
      expect(text.length).toBeLessThanOrEqual(4096)
      expect(parseTelegramHtml(text)).toMatchObject({ok: true})
    }
    // The cut inside <pre> closes it in one part and re-opens it in the next.
    expect(parts.filter((part) => (part.params.text as string).includes('<pre>'))).toHaveLength(2)
    const expected = parseTelegramHtml(html)
    if (!expected.ok) throw new Error(expected.error)
    expect(world.api.messages(ON_CALL.id).map((message) => message.text).join('')).toBe(expected.text)
  })
})

describe('text from stdin', () => {
  it('piped text is sent as it came, indentation and line ends included', async () => {
    const text = '  disk usage\r\n    /var 91%\n    /srv 40%\n'
    const result = await world.run(['send', ...asAlerts, '--chat', String(ON_CALL.id)], {input: text})
    expect(result).toEqual({stdout: 'sent to 4242: message 1', stderr: '', exitCode: 0})
    expect(callsOf(world.api, 'sendMessage').map((request) => request.params.text)).toEqual([text])
  })
})

describe('files', () => {
  it('a document streamed from stdin arrives byte for byte, under --filename', async () => {
    const csv = Buffer.concat([Buffer.from('id,amount,raw\n'), randomBytes(3 * 1024 * 1024)])
    const result = await world.run(['send', ...asAlerts, '--chat', String(OPS_FORUM.id), '--document', '-', '--filename', 'x.csv', '--caption', 'nightly export'], {input: csv})
    expect(result).toEqual({stdout: `sent to ${OPS_FORUM.id}: message 1`, stderr: '', exitCode: 0})
    const [upload, ...others] = world.api.requests
    expect(others).toEqual([])
    expect(upload).toMatchObject({method: 'sendDocument', encoding: 'multipart', status: 200, params: {chat_id: String(OPS_FORUM.id), caption: 'nightly export'}})
    expect(upload!.files.map((file) => ({field: file.field, name: file.name, size: file.size}))).toEqual([{field: 'document', name: 'x.csv', size: csv.length}])
    expect(upload!.files[0]!.content.equals(csv)).toBe(true)
  })

  it('a photo from a path arrives with its file name, and TEXT becomes the caption', async () => {
    const path = join(world.cli.env.HOME!, 'latency-chart.png')
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(20_000)])
    writeFileSync(path, png)
    const result = await world.run(['send', ...asAlerts, '--chat', String(ON_CALL.id), '--photo', path, 'p99 latency, last 24 h'])
    expect(result).toEqual({stdout: 'sent to 4242: message 1', stderr: '', exitCode: 0})
    const [upload] = callsOf(world.api, 'sendPhoto')
    expect(upload!.params).toMatchObject({chat_id: '4242', caption: 'p99 latency, last 24 h'})
    expect(upload!.files.map((file) => [file.field, file.name])).toEqual([['photo', 'latency-chart.png']])
    expect(upload!.files[0]!.content.equals(png)).toBe(true)
    expect(world.api.messages(ON_CALL.id)[0]).toMatchObject({caption: 'p99 latency, last 24 h'})
  })
})

describe('a file from a shell loop: stdin is not the caption unless asked for', () => {
  // `ls *.tar | while read f; do fastpay-tg send --document "$f"; done`: the loop's stdin is the list of names.
  it('--document PATH without TEXT leaves stdin alone: no caption, and the rest of the input stays unread', async () => {
    const path = join(world.cli.env.HOME!, 'b1.tar')
    writeFileSync(path, randomBytes(100))
    const result = await world.run(['send', ...asAlerts, '--chat', String(ON_CALL.id), '--document', path], {input: 'b2.tar\nb3.tar\n'})
    expect(result).toEqual({stdout: 'sent to 4242: message 1', stderr: '', exitCode: 0})
    const [upload] = callsOf(world.api, 'sendDocument')
    expect(upload!.params).not.toHaveProperty('caption')
  })

  it('a stdin that never ends (ssh, a service) does not hold --photo PATH back', async () => {
    const path = join(world.cli.env.HOME!, 'chart.png')
    writeFileSync(path, Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(2000)]))
    const child = execa(process.execPath, [BIN, 'send', ...asAlerts, '--chat', String(ON_CALL.id), '--photo', path], {env: world.cli.env, extendEnv: false, reject: false, stdin: 'pipe', timeout: 20_000})
    const result = await child
    expect({stdout: result.stdout, exitCode: result.exitCode}).toEqual({stdout: 'sent to 4242: message 1', exitCode: 0})
  })

  it('TEXT "-" still reads the caption from stdin', async () => {
    const path = join(world.cli.env.HOME!, 'report.csv')
    writeFileSync(path, 'id,amount\n1,100\n')
    const result = await world.run(['send', ...asAlerts, '--chat', String(ON_CALL.id), '--document', path, '-'], {input: 'nightly report'})
    expect(result).toEqual({stdout: 'sent to 4242: message 1', stderr: '', exitCode: 0})
    expect(callsOf(world.api, 'sendDocument')[0]!.params).toMatchObject({caption: 'nightly report'})
  })
})

describe('--caption: one place for the caption, nothing dropped', () => {
  it.each([
    ['with TEXT too', ['--document', 'REPORT', '--caption', 'Nightly report', 'settled 1,204 payments'], 'Error: --caption and TEXT: give the caption in one place, not both'],
    ['with --file too', ['--document', 'REPORT', '--caption', 'Nightly report', '--file', 'REPORT'], 'Error: --caption and --file: give the caption in one place, not both'],
    ['without a photo or document', ['--caption', 'Nightly report'], 'Error: --caption: only a --photo or --document has a caption; give the text as TEXT'],
  ])('%s: one line, exit 2, nothing sent', async (_case, args, line) => {
    const path = join(world.cli.env.HOME!, 'report.csv')
    writeFileSync(path, 'id,amount\n1,100\n')
    const result = await world.run(['send', ...asAlerts, '--chat', String(ON_CALL.id), ...args.map((arg) => (arg === 'REPORT' ? path : arg))])
    expectUsageError(result, line)
    expect(world.api.requests).toEqual([])
  })
})

describe('several chats', () => {
  it('each chat gets its own result; one failing chat does not stop the others; exit 1', async () => {
    const result = await world.run([
      'send', ...asAlerts, '--chat', `${ON_CALL.id},-1000000000404`, '--chat', '@fastpay_status', 'settlement delayed',
    ])
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toBe('sent to 4242: message 1\nsent to @fastpay_status: message 1')
    expect(result.stderr).toBe(
      "Error: -1000000000404: Call to 'sendMessage' failed (400: Bad Request: chat not found): check the chat id, and that the bot was added to the chat",
    )
    expect(world.api.messages(ON_CALL.id).map((message) => message.text)).toEqual(['settlement delayed'])
    expect(world.api.messages(STATUS_CHANNEL.id).map((message) => message.text)).toEqual(['settlement delayed'])
  })

  it('--json: one entry per chat, in the order given, with message ids or the error', async () => {
    writeRegistry(world.cli, `bots:\n  - name: alerts\n    token: ${ALERTS_BOT.token}\n    chat_ids: [${ON_CALL.id}, -1000000000404]\n`)
    const result = await world.run(['send', '--bot', 'alerts', '--json', 'settlement delayed'])
    expect(result.exitCode).toBe(1)
    expect(jsonOf(result)).toEqual({
      bot: 'alerts',
      deliveries: [
        {chatId: ON_CALL.id, ok: true, messageIds: [1]},
        {
          chatId: -1000000000404,
          ok: false,
          messageIds: [],
          error: "Call to 'sendMessage' failed (400: Bad Request: chat not found): check the chat id, and that the bot was added to the chat",
        },
      ],
    })
  })

  it('a document to several chats is uploaded once, then reused by file_id', async () => {
    const result = await world.run(['send', ...asAlerts, '--chat', String(ON_CALL.id), '--chat', String(OPS_FORUM.id), '--document', '-', '--filename', 'report.csv'], {input: 'a,b\n1,2\n'})
    expect(result).toEqual({stdout: `sent to 4242: message 1\nsent to ${OPS_FORUM.id}: message 1`, stderr: '', exitCode: 0})
    const uploads = callsOf(world.api, 'sendDocument')
    expect(uploads.map((request) => request.files.length)).toEqual([1, 0])
    const sent = world.api.messages(ON_CALL.id)[0] as {document?: {file_id: string}}
    expect(uploads[1]!.params.document).toBe(sent.document!.file_id)
  })
})

describe('flags become Bot API parameters', () => {
  it('--button rows, --silent, --no-preview, --protect and --thread', async () => {
    const result = await world.run([
      'send', ...asAlerts, '--chat', String(OPS_FORUM.id), '--thread', '7', '--silent', '--no-preview', '--protect',
      '--button', 'Runbook=https://wiki.example.com/deploy | Ack=ack:42', '--button', 'Silence 1h=callback:silence|1h',
      'deploy waiting for approval https://ci.example.com/run/9',
    ])
    expect(result).toEqual({stdout: `sent to ${OPS_FORUM.id}: message 1`, stderr: '', exitCode: 0})
    const [request] = callsOf(world.api, 'sendMessage')
    expect(request!.params).toEqual({
      chat_id: OPS_FORUM.id,
      text: 'deploy waiting for approval https://ci.example.com/run/9',
      message_thread_id: 7,
      disable_notification: true,
      protect_content: true,
      link_preview_options: {is_disabled: true},
      reply_markup: {
        inline_keyboard: [
          [{text: 'Runbook', url: 'https://wiki.example.com/deploy'}, {text: 'Ack', callback_data: 'ack:42'}],
          [{text: 'Silence 1h', callback_data: 'silence|1h'}],
        ],
      },
    })
    expect(world.api.messages(OPS_FORUM.id)[0]).toMatchObject({message_thread_id: 7, is_topic_message: true})
  })

  it('without those flags, none of those parameters is sent', async () => {
    const result = await world.run(['send', ...asAlerts, '--chat', String(ON_CALL.id), 'plain'])
    expect(result.exitCode).toBe(0)
    expect(callsOf(world.api, 'sendMessage')[0]!.params).toEqual({chat_id: ON_CALL.id, text: 'plain'})
  })
})
