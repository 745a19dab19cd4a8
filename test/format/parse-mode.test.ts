import {describe, expect, it} from 'vitest'
import {parseParseMode} from '../../src/format/index.js'
import {UserError} from '../../src/user-error.js'

describe('parseParseMode', () => {
  it.each([
    ['html', 'HTML'],
    ['HTML', 'HTML'],
    [' Html ', 'HTML'],
    ['markdownv2', 'MarkdownV2'],
    ['MarkdownV2', 'MarkdownV2'],
    ['none', undefined],
    ['NONE', undefined],
    ['plain', undefined],
    [undefined, undefined],
  ])('reads %j as %j', (input, expected) => {
    expect(parseParseMode(input)).toBe(expected)
  })

  it('refuses an unknown mode naming the flag and the accepted values', () => {
    expect(() => parseParseMode('foo')).toThrow(
      new UserError('--parse-mode: expected one of html, markdownv2, none (got "foo")'),
    )
  })

  it('refuses legacy Markdown and points at markdownv2', () => {
    expect(() => parseParseMode('Markdown')).toThrow(
      new UserError(
        '--parse-mode: legacy Markdown is not supported, use markdownv2; ' +
          'expected one of html, markdownv2, none (got "Markdown")',
      ),
    )
  })

  it('throws a UserError (exit code 2) and names another field when asked', () => {
    let caught: unknown
    try {
      parseParseMode('', 'parse-mode')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(UserError)
    expect((caught as UserError).exitCode).toBe(2)
    expect((caught as UserError).message).toBe('parse-mode: expected one of html, markdownv2, none (got "")')
  })
})
