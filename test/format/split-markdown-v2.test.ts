import {describe, expect, it} from 'vitest'
import {splitMessage} from '../../src/format/index.js'
import {UserError} from '../../src/user-error.js'

const splitMarkdown = (text: string, limit?: number) => splitMessage(text, {parseMode: 'MarkdownV2', limit})

/** True when the part ends with a backslash that escapes nothing. */
const endsInsideEscape = (part: string) => /(?:^|[^\\])(?:\\\\)*\\$/.test(part)

describe('splitMessage with MarkdownV2', () => {
  it('never separates a backslash from the character it escapes', () => {
    expect(splitMarkdown('abcdefghi\\.jkl', 10)).toEqual(['abcdefghi', '\\.jkl'])
  })

  it('keeps escapes whole in a long text where a plain cut would land inside one', () => {
    // Character 4096 is the backslash of an escape, so a plain 4096-character cut would orphan it.
    const text = `xy${'a\\.'.repeat(3000)}`
    const parts = splitMarkdown(text)
    expect(parts.map((part) => part.length)).toEqual([4095, 4095, 812])
    expect(parts[0]).toBe(`xy${'a\\.'.repeat(1364)}a`)
    expect(parts[1]!.startsWith('\\.a\\.')).toBe(true)
    expect(parts.join('')).toBe(text)
    for (const part of parts) expect(endsInsideEscape(part)).toBe(false)
  })

  it('treats escaped delimiters as text, not formatting', () => {
    expect(splitMarkdown('\\*aaaa bbbb\\*', 8)).toEqual(['\\*aaaa ', 'bbbb\\*'])
  })

  it('closes and re-opens a code block with its language', () => {
    expect(splitMarkdown('```js\nconst a = 1\nconst b = 2\nconst c = 3\n```', 30)).toEqual([
      '```js\nconst a = 1\n```',
      '```js\nconst b = 2\n```',
      '```js\nconst c = 3\n```',
    ])
  })

  it('closes and re-opens inline code and bold', () => {
    expect(splitMarkdown('`code span with words`', 12)).toEqual(['`code span `', '`with words`'])
    expect(splitMarkdown('*bold words here and more*', 16)).toEqual(['*bold words *', '*here and more*'])
  })

  it('keeps `_` and `__` apart with an empty bold entity where they would meet', () => {
    expect(splitMarkdown('__under _line one\n_more__', 23)).toEqual(['__under _line one\n_**__', '__more__'])
    expect(splitMarkdown('_ital __both\nmore__ tail_', 20)).toEqual(['_ital __both__**_\n', '_**__more__ tail_'])
  })

  it('keeps a link whole', () => {
    expect(splitMarkdown('see [the docs](https://e.com/a_b) now and then', 34)).toEqual([
      'see [the docs](https://e.com/a_b) ',
      'now and then',
    ])
  })

  it('reads the || ending an expandable block quote as no spoiler', () => {
    expect(splitMarkdown('**>aaaa\n>bbbb||\nmore text here', 20)).toEqual(['**>aaaa\n>bbbb||\n', 'more text here'])
  })

  it('closes formatting before the line break a part ends with: on a new line it would end a block quote first', () => {
    // ">*aaaa\n*" is refused by Telegram: the unquoted line ends the quote while the bold inside it is open.
    expect(splitMarkdown('>*aaaa\n>bbbb cccc dddd*', 14)).toEqual(['>*aaaa*\n', '*>bbbb cccc *', '*dddd*'])
    expect(splitMarkdown('*a\n>bbbb\n>cccc\ndddd*', 9)).toEqual(['*a\n>bbbb*', '*\n>cccc*\n', '*dddd*'])
  })

  it('refuses to split a text with an unescaped delimiter that never closes', () => {
    expect(() => splitMarkdown('snake_case and more text here', 10)).toThrow(
      new UserError(
        'message text: "_" is opened but never closed, so the text cannot be split safely (escape it if it is ' +
          'meant literally)',
      ),
    )
  })
})
