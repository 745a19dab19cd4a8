// readText's limit, in process: where the cut falls (whole characters, outside markup) and what it costs to reach.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {describe, expect, it} from 'vitest'

import {readText} from '../../src/input/read-text.js'

const fromPipe = (...chunks: Array<string | Buffer>) => Object.assign(Readable.from(chunks), {isTTY: false})
const NOTE = (limit: string) => `\n\n[cut: the input was longer than ${limit}; the rest was not sent (--max-bytes to change)]`

describe('readText with a byte limit', () => {
  it('defaults to 1 MiB, reading no further than the limit', async () => {
    let produced = 0
    const endless = Object.assign(
      new Readable({
        read() {
          produced += 65_536
          this.push(Buffer.alloc(65_536, 'a'))
        },
      }),
      {isTTY: false},
    )
    const warnings: string[] = []
    const text = await readText({stdin: endless, warn: (line) => warnings.push(line)})
    expect(text!.endsWith(`…${NOTE('1 MiB')}`)).toBe(true)
    expect(text!.length).toBe(1024 * 1024 + 1 + NOTE('1 MiB').length)
    expect(produced).toBeLessThan(2 * 1024 * 1024)
    expect(warnings).toEqual(['the text is longer than 1 MiB: sent the first 1 MiB, cut with a note (--max-bytes to change)'])
  })

  it('never ends on half a character', async () => {
    // "é" is 2 bytes, "€" 3, "😀" 4: a limit of 6 falls inside the emoji.
    const text = await readText({argument: '-', stdin: fromPipe('aé€😀 tail'), maxBytes: 6})
    expect(text).toBe(`aé€…${NOTE('6 bytes')}`)
  })

  it('MarkdownV2: no dangling escape, the note escaped, open bold closed', async () => {
    const text = await readText({argument: '-', stdin: fromPipe('*total 1\\.5 settled\\.'), maxBytes: 20, parseMode: 'MarkdownV2'})
    expect(text).toBe('*total 1\\.5 settl…*\n\n\\[cut: the input was longer than 20 bytes; the rest was not sent \\(\\-\\-max\\-bytes to change\\)\\]')
  })

  it('MarkdownV2: a link cut before its (url) ends is left out, as Telegram would refuse it', async () => {
    const cut = (input: string, maxBytes: number) => readText({argument: '-', stdin: fromPipe(input), maxBytes, parseMode: 'MarkdownV2'})
    const note = (bytes: number) => `\n\n\\[cut: the input was longer than ${bytes} bytes; the rest was not sent \\(\\-\\-max\\-bytes to change\\)\\]`
    // Cut inside the URL, and inside the label: either way the link is left out, with the word before it.
    expect(await cut('*deploy* done, see [the run](https://ci.example.com/runs/1) for logs', 40)).toBe(`*deploy* done,…${note(40)}`)
    expect(await cut('*deploy* done, see [the run](https://ci.example.com/runs/1) for logs', 24)).toBe(`*deploy* done,…${note(24)}`)
    // A label with no (url) is a link too, once its ] is there: kept.
    expect(await cut('*deploy* [done] see the run for the logs', 30)).toBe(`*deploy* [done] see the…${note(30)}`)
    // Nothing visible left before the cut: the markup goes too (a lone `*||` is refused).
    expect(await cut('*||deploy done||*', 3)).toBe(`…${note(3)}`)
  })

  it('applies to --file and to the argument too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fastpay-tg-read-'))
    try {
      writeFileSync(join(dir, 'report.txt'), 'one two three four')
      expect(await readText({file: join(dir, 'report.txt'), stdin: fromPipe(), maxBytes: 9})).toBe(`one two…${NOTE('9 bytes')}`)
      expect(await readText({argument: 'one two three four', stdin: fromPipe(), maxBytes: 9})).toBe(`one two…${NOTE('9 bytes')}`)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('a text within the limit is returned as it came', async () => {
    expect(await readText({argument: '-', stdin: fromPipe('  exact\r\n'), maxBytes: 9})).toBe('  exact\r\n')
  })
})
