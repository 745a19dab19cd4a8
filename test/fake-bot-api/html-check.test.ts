import {describe, expect, it} from 'vitest'
import {parseTelegramHtml} from './html-check.js'

describe('parseTelegramHtml accepts what Telegram accepts', () => {
  it.each([
    ['<b>bold</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <ins>n</ins>', 'bold s i e u n'],
    ['<s>a</s><strike>b</strike><del>c</del>', 'abc'],
    ['<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>', 'xy'],
    ['<a href="https://example.com/?a=1&amp;b=2">link</a>', 'link'],
    ["<a href='https://example.com'>q</a>", 'q'],
    ['<pre><code class="language-ts">const a = 1 &lt; 2</code></pre>', 'const a = 1 < 2'],
    ['<blockquote expandable>quote</blockquote>', 'quote'],
    ['<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', '👍'],
    ['&lt;tag&gt; &amp; &quot;q&quot; &#65;&#x42;', '<tag> & "q" AB'],
    ['a > b', 'a > b'],
    ['<B>upper</B>', 'upper'],
    ['<i>closed by </>', 'closed by '],
  ])('%s', (html, text) => {
    expect(parseTelegramHtml(html)).toEqual({ok: true, text})
  })
})

describe('parseTelegramHtml refuses with Telegram error texts', () => {
  it.each([
    ['<p>x</p>', 'Unsupported start tag "p" at byte offset 0'],
    ['a < b', 'Unsupported start tag "" at byte offset 2'],
    ['🏟 🏟&lt;<abacaba', 'Unclosed start tag at byte offset 13'],
    ['x <b', 'Unclosed start tag at byte offset 2'],
    ['<a href', 'Unclosed start tag "a" at byte offset 0'],
    ['<a href="x"', 'Unclosed start tag at byte offset 0'],
    ['<i    aba>', 'Expected equal sign in declaration of an attribute of the tag "i" at byte offset 0'],
    ['<i   =aba>', 'Empty attribute name in the tag "i" at byte offset 0'],
    ['<a href=x/>y</a>', 'Unexpected end of name token at byte offset 8'],
    ['<span>x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
    ['<tg-emoji emoji-id="x">y</tg-emoji>', 'Invalid custom emoji identifier specified'],
    ['x</b>', 'Unexpected end tag at byte offset 1'],
    ['<b>x</b', 'Unclosed end tag at byte offset 4'],
    ['<b>x</i>', 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'],
    ['<b>x', 'Can\'t find end tag corresponding to start tag "b"'],
    ['<b><i>x</i>', 'Can\'t find end tag corresponding to start tag "b"'],
    ['AT&T', 'Character "&" must be escaped as "&amp;" at byte offset 2'],
    ['&#xD800;', 'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units'],
  ])('%s', (html, error) => {
    expect(parseTelegramHtml(html)).toEqual({ok: false, error})
  })

  it('keeps a bare & as text when strictAmpersand is off, as Telegram itself does', () => {
    expect(parseTelegramHtml('AT&T &copy;', {strictAmpersand: false})).toEqual({ok: true, text: 'AT&T &copy;'})
  })
})
