import {describe, expect, it} from 'vitest'
import {MESSAGE_LIMIT, splitMessage} from '../../src/format/index.js'
import {UserError} from '../../src/user-error.js'
import {htmlTextContent} from './telegram-html.js'

const splitHtml = (text: string, limit?: number) => splitMessage(text, {parseMode: 'HTML', limit})

/** About 9,400 characters: nested tags, links with entities in href, a code block and one line longer than a part. */
function buildReport(): string {
  const lines = ['<b>Nightly payout report</b>', '']
  for (let batch = 1; batch <= 20; batch++) {
    lines.push(
      `<b><i>Batch ${batch}</i></b> &amp; fees &lt;EUR&gt;: ` +
        `<a href="https://example.com/b?id=${batch}&amp;view=full">batch ${batch}</a> settled.`,
    )
  }
  const code = Array.from({length: 60}, (_, line) => `line ${line}: a &lt; b &amp;&amp; c &gt; d`).join('\n')
  lines.push(`<pre><code class="language-text">${code}</code></pre>`)
  lines.push(`<b>Ledger: <i>${'entry&amp;fee '.repeat(330)}</i>done</b>`)
  return lines.join('\n')
}

describe('splitMessage with HTML', () => {
  const report = buildReport()
  const parts = splitHtml(report)

  it('splits a 9,000-character report into three parts within the limit', () => {
    expect(report.length).toBe(9385)
    expect(parts.map((part) => part.length)).toEqual([4093, 4088, 1264])
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(MESSAGE_LIMIT)
  })

  it('keeps every part valid HTML on its own and loses no text', () => {
    const texts = parts.map((part) => htmlTextContent(part))
    expect(texts.join('')).toBe(htmlTextContent(report))
  })

  it('cuts the code block after a line and re-opens it with its language', () => {
    expect(parts[0]!.endsWith('line 42: a &lt; b &amp;&amp; c &gt; d\n</code></pre>')).toBe(true)
    expect(parts[1]!.startsWith('<pre><code class="language-text">line 43: a &lt; b')).toBe(true)
  })

  it('cuts the overlong nested line after a space and re-opens <b><i>', () => {
    expect(parts[1]!.endsWith('entry&amp;fee </i></b>')).toBe(true)
    expect(parts[2]!.startsWith('<b><i>entry&amp;fee entry')).toBe(true)
    expect(parts[2]!.endsWith('entry&amp;fee </i>done</b>')).toBe(true)
  })

  it('returns text that fits untouched and blank text as no parts', () => {
    const short = '<b>ok</b> &amp; <i>done</i>'
    expect(splitHtml(short)).toEqual([short])
    expect(splitHtml('')).toEqual([])
    expect(splitHtml('<b> </b>\n\n')).toEqual([])
  })

  it('never cuts inside a tag or an entity', () => {
    // Cut at 20 characters, a plain split would land inside `<i>` and then inside `&amp;`.
    expect(splitHtml(`${'x'.repeat(18)}<i>ab</i>${'y'.repeat(9)}&amp;${'z'.repeat(10)}`, 20)).toEqual([
      'xxxxxxxxxxxxxxxxxx',
      '<i>ab</i>yyyyyyyyy',
      '&amp;zzzzzzzzzz',
    ])
  })

  it('reserves room for the tags it closes and re-opens', () => {
    expect(splitHtml(`<b><i>${'a'.repeat(30)}</i></b>`, 20)).toEqual(Array(5).fill('<b><i>aaaaaa</i></b>'))
  })

  it('re-opens a link with the same href, entities included', () => {
    expect(splitHtml('<b>see <a href="https://e.com/?a=1&amp;b=2">the full ledger</a> now</b>', 60)).toEqual([
      '<b>see <a href="https://e.com/?a=1&amp;b=2">the </a></b>',
      '<b><a href="https://e.com/?a=1&amp;b=2">full ledger</a> </b>',
      '<b>now</b>',
    ])
  })

  it('refuses a tag that cannot fit in a part', () => {
    const text = `<a href="https://example.com/${'p'.repeat(60)}">x</a> and more text`
    expect(() => splitHtml(text, 40)).toThrow(
      new UserError(
        'message text: "<a href=\\"https://example.com/ppppppppppp…" needs 95 characters with the formatting ' +
          'around it, but a part holds at most 40',
      ),
    )
  })

  it('refuses to split a text with an unclosed tag, but passes it on when it fits', () => {
    const text = `<b>unclosed ${'a '.repeat(20)}`
    expect(() => splitHtml(text, 20)).toThrow(
      new UserError(
        'message text: "<b>" is opened but never closed, so the text cannot be split safely (escape it if it is ' +
          'meant literally)',
      ),
    )
    expect(splitHtml(text)).toEqual([text])
  })
})
