import {readFileSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {describe, expect, it} from 'vitest'

import {loadTemplate, parseTemplate, renderTemplate} from '../../src/alert/template.js'
import {describeFailure} from '../../src/describe-failure.js'
import {parseTelegramHtml} from '../fake-bot-api/server.js'
import {tempDir} from '../throttle/helpers.js'

const dir = tempDir('fastpay-tg-template-')
const CONTENT = {
  title: 'Queue <jobs> backed up',
  severity: 'warning' as const,
  fields: [['queue', 'mail & sms'], ['depth', '1200']] as Array<[string, string]>,
  body: 'worker-3 stopped',
  channel: 'ops',
  host: 'q-1',
  time: new Date('2025-06-01T14:03:15Z'),
  suppressed: {count: 2, since: new Date('2025-06-01T14:00:00Z')},
}

describe('alert templates', () => {
  it('fills every placeholder with escaped values', async () => {
    const path = join(dir, 'full.html')
    writeFileSync(
      path,
      '{{icon}} <b>[{{ severity }}] {{title}}</b> on {{host}} ({{channel}})\n' +
        'Queue: <code>{{field.queue}}</code>, depth {{field.depth}}{{field.missing}}\n' +
        '{{fields}}\n\n<pre>{{body}}</pre>\n{{suppressed}}\nat {{time}}\n',
    )
    const text = renderTemplate(await loadTemplate(path), CONTENT)
    expect(text).toBe(
      '⚠️ <b>[warning] Queue &lt;jobs&gt; backed up</b> on q-1 (ops)\n' +
        'Queue: <code>mail &amp; sms</code>, depth 1200\n' +
        '<b>queue</b>: mail &amp; sms\n<b>depth</b>: 1200\n\n' +
        '<pre>worker-3 stopped</pre>\n2 similar alerts suppressed since 14:00:00 UTC\nat 2025-06-01T14:03:15Z',
    )
    expect(parseTelegramHtml(text)).toMatchObject({ok: true})
  })

  it('collapses the blank lines that empty placeholders leave', () => {
    const template = parseTemplate('{{title}}\n\n{{body}}\n\n{{suppressed}}\n\n{{host}}\n', 'inline')
    const text = renderTemplate(template, {...CONTENT, body: '', suppressed: undefined})
    expect(text).toBe('Queue &lt;jobs&gt; backed up\n\nq-1')
  })

  it('names the file and the placeholder when one is unknown', async () => {
    const path = join(dir, 'typo.html')
    writeFileSync(path, '<b>{{title}}</b> {{hostname}}')
    const error = await rejection(loadTemplate(path))
    expect(error.message).toBe(
      `--template: unknown placeholder {{hostname}} in "${path}" ` +
        '(known: title, severity, icon, channel, host, time, body, fields, suppressed, field.NAME)',
    )
    expect(describeFailure(error).exitCode).toBe(2)
    expect(() => parseTemplate('{{field.}}', 'x.tpl')).toThrow('--template: unknown placeholder {{field.}} in "x.tpl"')
  })

  it('reports an unreadable template with its path and the reason', async () => {
    const missing = join(dir, 'nope.html')
    const error = await rejection(loadTemplate(missing))
    expect(error.message).toBe(`--template: cannot read "${missing}" (ENOENT)`)
    expect(describeFailure(error)).toMatchObject({code: 'usage', exitCode: 2})
    expect((await rejection(loadTemplate(dir))).message).toBe(`--template: cannot read "${dir}" (EISDIR)`)
  })

  it('renders the documented example into HTML Telegram accepts, with or without suppressed alerts', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../docs/alert-templates.md'), 'utf8')
    const example = /## Example\n\n```html\n([\s\S]*?)```/.exec(doc)?.[1]
    const template = parseTemplate(example!, 'docs example')
    const fields = [...CONTENT.fields, ['runbook', 'https://wiki/q?x=1&y=2']] as Array<[string, string]>
    const quiet = renderTemplate(template, {...CONTENT, fields, suppressed: undefined})
    expect(quiet).toBe(
      '⚠️ <b>Queue &lt;jobs&gt; backed up</b> on <code>q-1</code>\n' +
        '<b>queue</b>: mail &amp; sms\n<b>depth</b>: 1200\n<b>runbook</b>: https://wiki/q?x=1&amp;y=2\n\n' +
        'worker-3 stopped\n\n<i></i>\n<a href="https://wiki/q?x=1&amp;y=2">Runbook</a> · 2025-06-01T14:03:15Z',
    )
    expect(parseTelegramHtml(quiet)).toMatchObject({ok: true})
    expect(parseTelegramHtml(renderTemplate(template, {...CONTENT, fields}))).toMatchObject({ok: true})
  })

  it('escapes both quotes in values inside a tag, so a field cannot add an attribute', () => {
    const template = parseTemplate(`<a href="{{field.runbook}}">Runbook</a> <a href='{{field.runbook}}'>again</a>`, 'links.html')
    const runbook = `https://x" href="https://evil.example/' onclick='x`
    const text = renderTemplate(template, {...CONTENT, fields: [['runbook', runbook]]})
    const escaped = 'https://x&quot; href=&quot;https://evil.example/&#39; onclick=&#39;x'
    expect(text).toBe(`<a href="${escaped}">Runbook</a> <a href='${escaped}'>again</a>`)
    expect(parseTelegramHtml(text)).toMatchObject({ok: true, text: 'Runbook again'})
    // Outside tags quotes are text, as written.
    expect(renderTemplate(parseTemplate('{{field.q}}', 'q.html'), {...CONTENT, fields: [['q', `say "hi"`]]})).toBe('say "hi"')
  })

  it('keeps a link only when its href is http(s):// or tg:// once filled; otherwise its text stays', () => {
    const template = parseTemplate('<a href="{{field.url}}">Runbook</a>', 'link.html')
    const render = (url: string | undefined) =>
      renderTemplate(template, {...CONTENT, fields: url === undefined ? [] : [['url', url]]})
    expect(render('https://wiki.example/q')).toBe('<a href="https://wiki.example/q">Runbook</a>')
    expect(render('tg://resolve?domain=ops')).toBe('<a href="tg://resolve?domain=ops">Runbook</a>')
    expect(render('javascript:alert(1)')).toBe('Runbook')
    expect(render('file:///etc/passwd')).toBe('Runbook')
    expect(render(undefined)).toBe('Runbook')
  })

  it('refuses an empty template', () => {
    expect(() => parseTemplate(' \n', 'blank.tpl')).toThrow('--template: "blank.tpl" is empty')
  })
})

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}
