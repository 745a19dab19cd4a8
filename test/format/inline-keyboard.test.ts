import {describe, expect, it} from 'vitest'
import {buildInlineKeyboard, parseButton, parseButtonRow} from '../../src/format/index.js'
import {UserError} from '../../src/user-error.js'

describe('parseButton', () => {
  it.each([
    ['Docs=https://example.com/docs?a=1&b=2', {text: 'Docs', url: 'https://example.com/docs?a=1&b=2'}],
    ['Status=http://status.internal', {text: 'Status', url: 'http://status.internal'}],
    ['Profile=tg://user?id=42', {text: 'Profile', url: 'tg://user?id=42'}],
    ['Ack=ack', {text: 'Ack', callback_data: 'ack'}],
    ['Ack=callback:ack:42', {text: 'Ack', callback_data: 'ack:42'}],
    [' Retry job = retry|42 ', {text: 'Retry job', callback_data: 'retry|42'}],
    [`Max=${'é'.repeat(32)}`, {text: 'Max', callback_data: 'é'.repeat(32)}],
  ])('reads %j', (spec, button) => {
    expect(parseButton(spec)).toEqual(button)
  })

  const tooLong = 'x'.repeat(65)
  const tooWide = 'é'.repeat(33) // 66 bytes in UTF-8
  // prettier-ignore
  it.each([
    ['Docs', '--button: expected TEXT=URL or TEXT=CALLBACK_DATA (got "Docs")'],
    ['=https://x.io', '--button: the button text before "=" is empty (got "=https://x.io")'],
    ['Docs= ', '--button: expected a URL or callback data after "=" (got "Docs= ")'],
    ['Ack=callback:', '--button: callback data must be 1-64 bytes of UTF-8, got 0 (in "Ack=callback:")'],
    [`Ack=${tooLong}`, `--button: callback data must be 1-64 bytes of UTF-8, got 65 (in "Ack=${tooLong}")`],
    [`Ack=${tooWide}`, `--button: callback data must be 1-64 bytes of UTF-8, got 66 (in "Ack=${tooWide}")`],
    ['Files=ftp://x.io/f', '--button: a button URL must start with http://, https:// or tg:// (got "ftp://x.io/f")'],
    ['Bad=https://exa mple.com', '--button: "https://exa mple.com" is not a valid URL'],
    ['Bad=http://', '--button: "http://" is not a valid URL'],
  ])('refuses %j', (spec, message) => {
    expect(() => parseButton(spec)).toThrow(new UserError(message))
  })

  it('names another field when asked', () => {
    expect(() => parseButton('Docs', 'buttons')).toThrow(
      new UserError('buttons: expected TEXT=URL or TEXT=CALLBACK_DATA (got "Docs")'),
    )
  })
})

describe('parseButtonRow', () => {
  it('puts buttons joined with " | " side by side and leaves a bare | in callback data alone', () => {
    expect(parseButtonRow('Docs=https://x.io | Ack=a|b')).toEqual([
      {text: 'Docs', url: 'https://x.io'},
      {text: 'Ack', callback_data: 'a|b'},
    ])
  })

  it('reports the faulty button of a row', () => {
    expect(() => parseButtonRow('A=a | B')).toThrow(
      new UserError('--button: expected TEXT=URL or TEXT=CALLBACK_DATA (got "B")'),
    )
  })
})

describe('buildInlineKeyboard', () => {
  it('makes one row per flag value', () => {
    expect(buildInlineKeyboard(['Docs=https://x.io | Ack=ack', 'Stop=callback:stop'])).toEqual({
      inline_keyboard: [
        [
          {text: 'Docs', url: 'https://x.io'},
          {text: 'Ack', callback_data: 'ack'},
        ],
        [{text: 'Stop', callback_data: 'stop'}],
      ],
    })
  })

  it('makes an empty keyboard from no values', () => {
    expect(buildInlineKeyboard([])).toEqual({inline_keyboard: []})
  })
})
