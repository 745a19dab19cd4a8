import {describe, expect, it} from 'vitest'

import {fitMessage, shownTextLength} from '../../src/format/index.js'

describe('shownTextLength: as Telegram counts, after the markup', () => {
  it.each([
    ['<b>a</b> &amp; &lt;b&gt;', 'HTML', 7],
    // A link counts its URL too: an overcount, on the safe side.
    ['*bold* \\. [link](https://example.com)', 'MarkdownV2', 34],
    ['<b>not markup</b>', undefined, 17],
  ] as const)('%s (%s) → %i', (text, parseMode, length) => {
    expect(shownTextLength(text, parseMode)).toBe(length)
  })
})

describe('fitMessage', () => {
  it('text that fits comes back untouched, 3,000 &amp; included', () => {
    const text = `<b>notes</b> ${'&amp;'.repeat(3000)}`
    expect(fitMessage(text, {parseMode: 'HTML'})).toEqual({text, cut: false})
  })

  it('HTML: cut between entities, open tags closed after the …', () => {
    const {text, cut} = fitMessage(`<b><i>${'&amp;'.repeat(30)}</i></b>`, {parseMode: 'HTML', limit: 10})
    expect(cut).toBe(true)
    expect(text).toBe(`<b><i>${'&amp;'.repeat(9)}…</i></b>`)
  })

  it('prefers a space near the end, and never leaves it before the …', () => {
    expect(fitMessage('deploy of fastpay api finished', {limit: 20}).text).toBe('deploy of fastpay…')
  })

  it('MarkdownV2: a link written [label] without (url) is kept whole, as Telegram needs its ]', () => {
    const {text} = fitMessage('see [the nightly deploy run] for logs', {parseMode: 'MarkdownV2', limit: 20})
    expect(text).toBe('see…')
    expect(fitMessage('see [run] and the logs of it', {parseMode: 'MarkdownV2', limit: 12}).text).toBe('see [run]…')
  })

  it('MarkdownV2: an escape is never split; an open entity is closed', () => {
    const {text} = fitMessage(`*${'\\.'.repeat(30)}*`, {parseMode: 'MarkdownV2', limit: 10})
    expect(text).toBe(`*${'\\.'.repeat(9)}…*`)
  })

  it('a word longer than the room is cut inside it', () => {
    expect(fitMessage('x'.repeat(50), {limit: 10}).text).toBe(`${'x'.repeat(9)}…`)
  })
})
