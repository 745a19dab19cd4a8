// One message per chat per deploy, whatever the run holds: every field is cut to a length (before escaping, so no
// entity or escape is broken, with `…`), the commit body never goes in, and a template that still overflows is cut
// at a safe point. Lengths are counted as Telegram counts them (after parsing the markup), so 3,000 `&` are 3,000
// characters, not 15,000.
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {parseTelegramHtml} from '../fake-bot-api/server.js'
import {byChat, callsOf, DEPLOY_BOT, FIXTURES, ON_CALL, OPS_FORUM, useActionJob} from './fixture.js'

const job = useActionJob('push')
const notice = {token: DEPLOY_BOT.token, 'chat-ids': `${OPS_FORUM.id},${ON_CALL.id}`, environment: 'production'}

/** A push whose head commit has this message: the event file the runner would write. */
function pushWithCommitMessage(message: string): Record<string, string> {
  const event = JSON.parse(readFileSync(join(FIXTURES, 'push.json'), 'utf8')) as {head_commit: {message: string}; commits: Array<{message: string}>}
  event.head_commit.message = message
  event.commits.at(-1)!.message = message
  const path = join(job.workspace, '..', 'event.json')
  writeFileSync(path, JSON.stringify(event))
  return {GITHUB_EVENT_PATH: path}
}

/** What the reader sees of a sent or edited text, after Telegram's HTML parsing. */
function shown(html: string): string {
  const parsed = parseTelegramHtml(html, {strictAmpersand: true})
  if (!parsed.ok) throw new Error(`Telegram would refuse this HTML: ${parsed.error}`)
  return parsed.text
}

describe('fields are cut to fit', () => {
  it('a 7,000-character commit title: started is one message per chat, success edits it; the title ends with …', async () => {
    const event = pushWithCommitMessage(`${'Refactor the ledger '.repeat(350)}\n\nand a body nobody reads`)
    const started = await job.step({...notice, status: 'started'}, event)
    const success = await job.step({...notice, status: 'success'}, event)
    expect([started.exitCode, success.exitCode]).toEqual([0, 0])

    expect(byChat(callsOf(job.api, 'sendMessage'), (request) => request.params.chat_id).map((request) => request.params.chat_id)).toEqual([OPS_FORUM.id, ON_CALL.id])
    const edits = callsOf(job.api, 'editMessageText').map((request) => [request.params.chat_id, request.params.message_id, request.status])
    expect(byChat(edits, (edit) => edit[0])).toEqual([
      [OPS_FORUM.id, 1, 200],
      [ON_CALL.id, 1, 200],
    ])
    const [message] = job.api.messages(ON_CALL.id)
    const commitLine = message!.text!.split('\n')[2]!
    expect(commitLine).toMatch(/^commit: 9f3c2d1 Refactor the ledger Refactor .*ledger…$/)
    expect([...commitLine.slice('commit: 9f3c2d1 '.length)]).toHaveLength(300)
    expect(message!.text!.length).toBeLessThan(4096)
    expect(message!.text).not.toContain('a body nobody reads')
    expect(success.outputs['message-ids']).toBe(`${OPS_FORUM.id}:1,${ON_CALL.id}:1`)
    expect(started.stdout).not.toContain('::warning::')
  })

  it('3,000 `&` in the title: escaped after the cut, so no &amp; is broken; one message', async () => {
    const event = pushWithCommitMessage('&'.repeat(3000))
    const result = await job.step({...notice, 'chat-ids': String(ON_CALL.id), status: 'started'}, event)
    expect(result.exitCode).toBe(0)
    const [request] = callsOf(job.api, 'sendMessage')
    const commitLine = (request!.params.text as string).split('\n')[2]!
    expect(commitLine).toBe(`<b>commit</b>: <a href="https://github.com/fastpay/fastpay-api/commit/9f3c2d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e">9f3c2d1</a> ${'&amp;'.repeat(299)}…`)
    expect(callsOf(job.api, 'sendMessage')).toHaveLength(1)
  })

  it('the commit body is never in the default notice, nor in any placeholder', async () => {
    const result = await job.step({...notice, 'chat-ids': String(ON_CALL.id), status: 'success', template: '{{details}}\n{{commit_title}}'})
    expect(result.exitCode).toBe(0)
    expect(callsOf(job.api, 'sendMessage')[0]!.params.text).not.toContain('Refunds below one cent')
  })
})

describe('a text that still overflows', () => {
  it('a template over 4,096 characters is cut at a safe point, its formatting closed, with …', async () => {
    const event = pushWithCommitMessage('x'.repeat(290))
    const template = `<b>{{title}}</b>\n<i>${'{{commit_title}} '.repeat(20)}</i>`
    const result = await job.step({...notice, 'chat-ids': String(ON_CALL.id), status: 'success', template}, event)
    expect(result.exitCode).toBe(0)
    expect(result.stdout.split('\n').slice(1)).toEqual([
      '::warning::the notice is longer than one Telegram message: it was cut to fit, ending with …',
      `sent message 1 in chat ${ON_CALL.id}`,
    ])
    const sent = callsOf(job.api, 'sendMessage')
    expect(sent).toHaveLength(1)
    const html = sent[0]!.params.text as string
    expect(html.endsWith('…</i>')).toBe(true)
    const text = shown(html)
    expect(text.length).toBeLessThanOrEqual(4096)
    expect(text.length).toBeGreaterThan(3500)
    // Cut after a whole title, at the space that follows it.
    expect(text).toMatch(/ x{290}…$/)
  })

  it('a message of 3,000 &amp; (3,000 characters once parsed, 15,000 written) goes as it is, in one message', async () => {
    const message = `<b>Release notes</b>\n${'&amp;'.repeat(3000)}`
    const result = await job.step({...notice, 'chat-ids': String(ON_CALL.id), status: 'success', message})
    expect(result.exitCode).toBe(0)
    expect(callsOf(job.api, 'sendMessage').map((request) => request.params.text)).toEqual([message])
  })

  it('MarkdownV2: the cut never splits an escape, and closes what is open', async () => {
    const message = `*Release* ${'\\.'.repeat(5000)}`
    const result = await job.step({...notice, 'chat-ids': String(ON_CALL.id), status: 'success', message, 'parse-mode': 'markdownv2'})
    expect(result.exitCode).toBe(0)
    const [request] = callsOf(job.api, 'sendMessage')
    const text = request!.params.text as string
    // 8 characters shown by `*Release* `, then as many escaped dots as fit before the …: 4,096 in all.
    expect(text).toBe(`*Release* ${'\\.'.repeat(4096 - 8 - 1)}…`)
  })
})
