import {describe, expect, it} from 'vitest'
import {htmlTextContent} from './telegram-html.js'

// The split tests lean on this reader, so it must itself refuse what Telegram refuses.
describe('htmlTextContent (test helper)', () => {
  it('returns the visible text of valid HTML', () => {
    const html = '<b>a <i>b</i></b> &lt;&amp;&gt;&quot;&#65;&#x42; <a href="https://x.io/?a=1&amp;b=2">c</a>'
    expect(htmlTextContent(html)).toBe('a b <&>"AB c')
  })

  it.each([
    ['<b>open', 'unclosed <b>'],
    ['<b><i>x</b></i>', '</b> closes <i>'],
    ['</b>', '</b> closes <nothing>'],
    ['<div>x</div>', 'unknown or malformed tag <div>'],
    ['a &amp b', 'malformed entity at 2: &amp b'],
    ['a > b', 'stray > at 2'],
    ['<b', 'unterminated tag at 0'],
    ['<pre><b>x</b></pre>', '<b> inside <pre>'],
    ['<a href="x"><a href="y">z</a></a>', 'nested <a>'],
    ['<a href="a&b">x</a>', 'bad attribute value in <a href="a&b">'],
    ['\ud83d', 'lone surrogate'],
  ])('refuses %j', (html, message) => {
    expect(() => htmlTextContent(html)).toThrow(message)
  })
})
