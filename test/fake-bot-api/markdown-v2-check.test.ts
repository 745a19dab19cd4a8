// tdlib's own test vectors for parse_markdown_v2 (test/message_entities.cpp): the text the recipient sees, or the
// error Telegram puts after "can't parse entities: ".
import {describe, expect, it} from 'vitest'
import {parseTelegramMarkdownV2} from './markdown-v2-check.js'

const reservedError = (c: string) => `Character '${c}' is reserved and must be escaped with the preceding '\\'`

describe('parseTelegramMarkdownV2 accepts what Telegram accepts', () => {
  it.each([
    ['', ''],
    ['\\\\', '\\'],
    ['\\\\\\', '\\\\'],
    ['\\\\\\\\\\_\\*\\`', '\\\\_*`'],
    ['➡️ ➡️', '➡️ ➡️'],
    ['🏟 🏟``', '🏟 🏟'],
    ['🏟 🏟_abac \\* asd _', '🏟 🏟abac * asd '],
    ['\\\\\\a\\b\\c\\d\\e\\f\\1\\2\\3\\4\\➡️\\', '\\abcdef1234\\➡️\\'],
    ['➡️ ➡️_➡️ ➡️_*➡️ ➡️*', '➡️ ➡️➡️ ➡️➡️ ➡️'],
    ['🏟 🏟_🏟 __🏟___', '🏟 🏟🏟 🏟'],
    ['🏟 🏟__🏟 _🏟_\\___', '🏟 🏟🏟 🏟_'],
    ['🏟 🏟`🏟 🏟```', '🏟 🏟🏟 🏟'],
    ['🏟 🏟```🏟 🏟```', '🏟 🏟 🏟'],
    ['🏟 🏟```🏟\n🏟```', '🏟 🏟🏟'],
    ['🏟 🏟```🏟\r\n🏟```', '🏟 🏟🏟'],
    ['🏟 🏟```🏟\n\n🏟```', '🏟 🏟\n🏟'],
    ['🏟 🏟```🏟 \\\\\\`🏟```', '🏟 🏟 \\`🏟'],
    ['||test||', 'test'],
    ['🏟 🏟``````', '🏟 🏟'],
    ['`_* *_`__*` `*__', '_* *_ '],
    ['_* * ` `_', '   '],
    ['[ ](telegram.org)', ' '],
    ['[telegram\\.org]a', 'telegram.orga'],
    ['[telegram\\.org](https://telegram.dog?\\\\\\()', 'telegram.org'],
    ['🏟 🏟![👍](TG://EMoJI/?test=1231&id=25#id=32)a', '🏟 🏟👍a'],
    ['> \n> \n>', ' \n \n'],
    ['> \\>\n \\> \n>', ' >\n > \n'],
    ['\r\r>\r\ra\r\n\r', '\r\r\r\ra\r\n\r'],
    ['>*b\n>ld \n>bo\n>ld*\nasd\ndef', 'b\nld \nbo\nld\nasd\ndef'],
    ['*a\n>b\n>ld \n>bo\n>ld\nasd*\ndef', 'a\nb\nld \nbo\nld\nasd\ndef'],
    ['>`b\n>ld \n>bo\nld`\n>asd\ndef', 'b\n>ld \n>bo\nld\nasd\ndef'],
    ['>\n**>2', '\n2'],
    ['>**\n>2', '\n2'],
    ['*>abcd\n*', 'abcd\n'],
    ['abc\n>def\n>def\n\r>ghi2\njkl', 'abc\ndef\ndef\n\rghi2\njkl'],
    ['>asd\n>q||e||w||\nasdad', 'asd\nqew\nasdad'],
    ['>asd\r\n>q||e||w||', 'asd\r\nqew'],
    ['>||', ''],
  ])('%j', (markdown, text) => {
    expect(parseTelegramMarkdownV2(markdown)).toEqual({ok: true, text})
  })

  it('every reserved character alone is refused, and taken once escaped', () => {
    for (const c of ']()>#+-=|{}.!') {
      expect(parseTelegramMarkdownV2(`x${c}`)).toEqual({ok: false, error: reservedError(c)})
      expect(parseTelegramMarkdownV2(`x\\${c}`)).toEqual({ok: true, text: `x${c}`})
    }
  })
})

describe('parseTelegramMarkdownV2 refuses with Telegram error texts', () => {
  it.each([
    ['🏟 🏟_abacaba', "Can't find end of Italic entity at byte offset 9"],
    ['🏟 🏟_abac * asd ', "Can't find end of Bold entity at byte offset 15"],
    ['🏟 🏟`', "Can't find end of Code entity at byte offset 9"],
    ['🏟 🏟```a', "Can't find end of Pre entity at byte offset 9"],
    ['🏟 🏟```a ', "Can't find end of PreCode entity at byte offset 9"],
    ['🏟 🏟__🏟 🏟_', "Can't find end of Italic entity at byte offset 20"],
    ['🏟 🏟_🏟 🏟__', "Can't find end of Underline entity at byte offset 19"],
    ['🏟 🏟```🏟 🏟`', "Can't find end of Code entity at byte offset 21"],
    ['🏟 🏟```🏟 🏟\\`', "Can't find end of PreCode entity at byte offset 9"],
    ['[telegram\\.org](asd\\)', "Can't find end of a URL at byte offset 16"],
    ['[telegram\\.org](', "Can't find end of a URL at byte offset 16"],
    ['🏟 🏟__🏟 _🏟___', "Can't find end of Italic entity at byte offset 23"],
    ['🏟 🏟||test\\|', "Can't find end of Spoiler entity at byte offset 9"],
    ['🏟 🏟!', reservedError('!')],
    ['🏟 🏟>', reservedError('>')],
    ['🏟 🏟![👍', "Can't find end of CustomEmoji entity at byte offset 9"],
    ['🏟 🏟![👍]', 'Custom emoji entity must contain a tg://emoji URL'],
    ['🏟 🏟![👍](tg://emoji?id=1234', "Can't find end of a custom emoji URL at byte offset 17"],
    ['>*b\n>ld \n>bo\nld*\nasd\ndef', "Can't find end of Bold entity at byte offset 1"],
    ['>\n*a*>2', reservedError('>')],
    ['>asd\n>q||e||w||\n||asdad', "Can't find end of Spoiler entity at byte offset 16"],
    ['>asd\n>q||ew\n||asdad', "Can't find end of Spoiler entity at byte offset 7"],
    ['>asd\n>q||e||w__\n||asdad', "Can't find end of Underline entity at byte offset 13"],
    ['>asd\n>q||e||w||a\n||asdad', "Can't find end of Spoiler entity at byte offset 13"],
  ])('%j', (markdown, error) => {
    expect(parseTelegramMarkdownV2(markdown)).toEqual({ok: false, error})
  })
})
