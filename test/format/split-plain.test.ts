import {describe, expect, it} from 'vitest'
import {splitMessage} from '../../src/format/index.js'

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

describe('splitMessage without a parse mode', () => {
  it('hard-splits a single line longer than the limit', () => {
    const text = 'a'.repeat(10_000)
    expect(splitMessage(text).map((part) => part.length)).toEqual([4096, 4096, 1808])
    expect(splitMessage(text).join('')).toBe(text)
  })

  it('cuts a long line of words after a space', () => {
    expect(splitMessage('word '.repeat(2000))).toEqual(['word '.repeat(819), 'word '.repeat(819), 'word '.repeat(362)])
  })

  it('prefers a blank line, then a line break, then a space', () => {
    expect(splitMessage('para one\n\npara two\nline three', {limit: 20})).toEqual([
      'para one\n\n',
      'para two\nline three',
    ])
    expect(splitMessage('aaaa bbbb\ncccc dddd', {limit: 12})).toEqual(['aaaa bbbb\n', 'cccc dddd'])
    expect(splitMessage('aaaaaa bbbbbbb', {limit: 12})).toEqual(['aaaaaa ', 'bbbbbbb'])
  })

  it('ignores a better separator that would leave the part less than half full', () => {
    expect(splitMessage(`title\n\n${'word '.repeat(10)}`, {limit: 40})).toEqual([
      'title\n\nword word word word word word ',
      'word word word word ',
    ])
  })

  it('never cuts an emoji in half at the boundary', () => {
    const text = `a${'😀'.repeat(3000)}`
    const parts = splitMessage(text)
    expect(parts).toEqual([`a${'😀'.repeat(2047)}`, '😀'.repeat(953)])
    expect(parts[0]!.length).toBe(4095)
    for (const part of parts) expect(LONE_SURROGATE.test(part)).toBe(false)
  })

  it('returns text that fits untouched and blank text as no parts', () => {
    expect(splitMessage('  hello  ')).toEqual(['  hello  '])
    expect(splitMessage(' \n\n ')).toEqual([])
    expect(splitMessage(`abc${'\n'.repeat(20)}`, {limit: 10})).toEqual(['abc\n\n\n\n\n\n\n'])
  })

  it('refuses a limit that is not a positive integer', () => {
    expect(() => splitMessage('x', {limit: 0})).toThrow(new RangeError('limit must be a positive integer (got 0)'))
    expect(() => splitMessage('x', {limit: 1.5})).toThrow(new RangeError('limit must be a positive integer (got 1.5)'))
  })
})
