import {describe, expect, it} from 'vitest'

import {decodeEntities, htmlToPlainText} from '../../src/format/index.js'
import {parseTelegramHtml} from '../fake-bot-api/server.js'

describe('htmlToPlainText', () => {
  it('gives the words a reader would have seen, with link addresses after their text', () => {
    const html = '🚨 <b>Disk &lt;sda&gt; 93% &amp; rising</b>\n<a href="https://wiki/q?x=1&amp;y=2">Runbook</a> · <i>web-1</i>'
    expect(htmlToPlainText(html)).toBe('🚨 Disk <sda> 93% & rising\nRunbook (https://wiki/q?x=1&y=2) · web-1')
    // Well-formed HTML comes out as the text Telegram itself shows for it, links aside.
    const plain = '<b>a</b> &quot;b&quot; &#39;c&#39; &#x41;'
    expect(htmlToPlainText(plain)).toBe((parseTelegramHtml(plain) as {text: string}).text)
  })

  it('leaves what it cannot read as it is', () => {
    expect(decodeEntities('&nbsp; &#99999999; &amp')).toBe('&nbsp; &#99999999; &amp')
    expect(htmlToPlainText('<b>unclosed <i>tags')).toBe('unclosed tags')
  })
})
