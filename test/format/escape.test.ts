import {describe, expect, it} from 'vitest'
import {
  escapeHtml,
  escapeHtmlAttribute,
  escapeMarkdownV2,
  escapeMarkdownV2Code,
  escapeMarkdownV2Url,
} from '../../src/format/index.js'

describe('escapeHtml', () => {
  it('escapes <, > and & and leaves quotes alone', () => {
    expect(escapeHtml(`if a < b && c > d then "quote" 'single'`)).toBe(
      `if a &lt; b &amp;&amp; c &gt; d then "quote" 'single'`,
    )
  })

  it('escapes an ampersand that already looks like an entity', () => {
    expect(escapeHtml('&amp; &lt;')).toBe('&amp;amp; &amp;lt;')
  })
})

describe('escapeHtmlAttribute', () => {
  it('escapes double quotes as well', () => {
    expect(escapeHtmlAttribute('https://x.io/?q="a<b>"&r=1')).toBe('https://x.io/?q=&quot;a&lt;b&gt;&quot;&amp;r=1')
  })
})

describe('escapeMarkdownV2', () => {
  it.each([
    ['_', '\\_'], ['*', '\\*'], ['[', '\\['], [']', '\\]'], ['(', '\\('], [')', '\\)'], ['~', '\\~'], ['`', '\\`'],
    ['>', '\\>'], ['#', '\\#'], ['+', '\\+'], ['-', '\\-'], ['=', '\\='], ['|', '\\|'], ['{', '\\{'], ['}', '\\}'],
    ['.', '\\.'], ['!', '\\!'], ['\\', '\\\\'],
  ])('escapes %j', (char, escaped) => {
    expect(escapeMarkdownV2(char)).toBe(escaped)
  })

  it('escapes every reserved character in one string and nothing else', () => {
    const text = 'v1.2-rc! (a_b) *x* [y] ~z~ `c` >q #1 +2 =3 |p| {o} \\ ok, @me: 50% & <tag> "q"'
    expect(escapeMarkdownV2(text)).toBe(
      'v1\\.2\\-rc\\! \\(a\\_b\\) \\*x\\* \\[y\\] \\~z\\~ \\`c\\` \\>q \\#1 \\+2 \\=3 \\|p\\| \\{o\\} \\\\ ' +
        'ok, @me: 50% & <tag\\> "q"',
    )
  })
})

describe('escapeMarkdownV2Code', () => {
  it('escapes only backticks and backslashes', () => {
    expect(escapeMarkdownV2Code('const re = /a\\.b/; `x` *y_ [z](w).!')).toBe(
      'const re = /a\\\\.b/; \\`x\\` *y_ [z](w).!',
    )
  })
})

describe('escapeMarkdownV2Url', () => {
  it('escapes only closing parentheses and backslashes', () => {
    expect(escapeMarkdownV2Url('https://x.io/wiki/A_(b)?q=1.2\\')).toBe('https://x.io/wiki/A_(b\\)?q=1.2\\\\')
  })
})
