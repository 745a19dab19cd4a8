import {describe, expect, it} from 'vitest'
import {CAPTION_LIMIT, MESSAGE_LIMIT, splitCaption} from '../../src/format/index.js'

describe('splitCaption', () => {
  it('exports the Bot API limits', () => {
    expect([CAPTION_LIMIT, MESSAGE_LIMIT]).toEqual([1024, 4096])
  })

  it('returns a short text as the caption alone', () => {
    expect(splitCaption('Build #42 passed', 'HTML')).toEqual({caption: 'Build #42 passed', rest: []})
  })

  it('returns blank text as an empty caption', () => {
    expect(splitCaption('  \n')).toEqual({caption: '', rest: []})
  })

  it('fills the caption up to 1024 and the follow-up messages up to 4096', () => {
    const {caption, rest} = splitCaption('a'.repeat(1024 + 4096 + 10))
    expect([caption.length, ...rest.map((part) => part.length)]).toEqual([1024, 4096, 10])
  })

  it('closes HTML tags in the caption and re-opens them in the first follow-up', () => {
    const text = `<b>${'word '.repeat(300)}</b>\n\ntail`
    expect(splitCaption(text, 'HTML')).toEqual({
      caption: `<b>${'word '.repeat(203)}</b>`,
      rest: [`<b>${'word '.repeat(97)}</b>\n\ntail`],
    })
  })

  it('keeps a MarkdownV2 escape out of the caption boundary', () => {
    const {caption, rest} = splitCaption(`${'x'.repeat(1023)}\\.${'y'.repeat(100)}`, 'MarkdownV2')
    expect(caption).toBe('x'.repeat(1023))
    expect(rest).toEqual([`\\.${'y'.repeat(100)}`])
  })
})
