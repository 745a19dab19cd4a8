// Input limits: text from a pipe that never ends is read up to --max-bytes (1 MiB for send, 64 KiB for an alert's
// body by default), cut with a note, and the command finishes; memory stays flat whatever comes down the pipe.
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

import {parseTelegramHtml} from '../fake-bot-api/server.js'
import {ALERTS_BOT, callsOf, jsonOf, ON_CALL, useCliWorld} from './fixture.js'

const world = useCliWorld()
const BIN = join(import.meta.dirname, '../../bin/run.js')
const GNU_TIME = '/usr/bin/time'

const logLine = (number: number) => `line ${String(number).padStart(9, '0')} payment settled <ok> & more\n`

/** Numbered log lines forever (or `limitBytes` of them): what `tail -f app.log |` gives. */
function endlessLog(limitBytes = Infinity): Readable {
  let line = 0
  let sent = 0
  return new Readable({
    read() {
      let chunk = ''
      while (chunk.length < 64 * 1024) chunk += logLine(++line)
      sent += chunk.length
      this.push(chunk)
      if (sent >= limitBytes) this.push(null)
    },
  })
}

/** Runs the built CLI on `stdin`; with GNU time, also reports the peak resident memory in MiB. */
async function runOnPipe(args: string[], stdin: Readable) {
  const measured = existsSync(GNU_TIME)
  const command = measured ? GNU_TIME : process.execPath
  const commandArgs = measured ? ['-f', 'peak-rss-kib=%M', process.execPath, BIN, ...args] : [BIN, ...args]
  const result = await execa(command, commandArgs, {env: world.cli.env, extendEnv: false, input: stdin, reject: false, timeout: 60_000})
  const peak = /peak-rss-kib=(\d+)/.exec(result.stderr)
  return {
    exitCode: result.exitCode ?? -1,
    stdout: result.stdout,
    stderr: result.stderr.replace(/\n?peak-rss-kib=\d+/, ''),
    peakMiB: peak ? Number(peak[1]) / 1024 : undefined,
    timedOut: result.timedOut,
  }
}

describe('send reads at most --max-bytes of text', () => {
  it('an endless pipe: the first 10,000 bytes are sent, cut with a note, and the command exits', async () => {
    const result = await runOnPipe(['send', '--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id), '--max-bytes', '10000'], endlessLog())
    expect(result.timedOut).toBe(false)
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('Warning: the text is longer than 10,000 bytes: sent the first 10,000 bytes, cut with a note (--max-bytes to change)')
    const texts = callsOf(world.api, 'sendMessage').map((request) => request.params.text as string)
    expect(texts).toHaveLength(3)
    const [sent, note] = texts.join('').split('…\n\n')
    expect(note).toBe('[cut: the input was longer than 10,000 bytes; the rest was not sent (--max-bytes to change)]')
    expect(Buffer.byteLength(sent!)).toBeLessThanOrEqual(10_000)
    expect(Buffer.byteLength(sent!)).toBeGreaterThan(9_900)
    // What was piped, from the start, cut at a space or line break.
    const piped = Array.from({length: 400}, (_, index) => logLine(index + 1)).join('')
    expect(piped.startsWith(sent!)).toBe(true)
    expect(piped[sent!.length]).toMatch(/\s/)
    if (result.peakMiB !== undefined) expect(result.peakMiB).toBeLessThan(150)
  })

  it('HTML cut inside a tag and an entity: every part is valid HTML, the open tag is closed', async () => {
    const html = `<b>settlement report</b>\n<pre>${'row 1 &amp; 2 settled\n'.repeat(40)}</pre>`
    const limit = html.indexOf('&amp;', 600) + 3
    const result = await runOnPipe(['send', '--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id), '--parse-mode', 'html', '--max-bytes', String(limit)], Readable.from([html]))
    expect(result.exitCode).toBe(0)
    const [request] = callsOf(world.api, 'sendMessage')
    const text = request!.params.text as string
    expect(parseTelegramHtml(text)).toMatchObject({ok: true})
    expect(text).toMatch(/…<\/pre>\n\n\[cut: the input was longer than [\d,]+ bytes; the rest was not sent \(--max-bytes to change\)\]$/)
    expect(request!.status).toBe(200)
  })

  it('exactly --max-bytes is not cut', async () => {
    const result = await runOnPipe(['send', '--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id), '--max-bytes', '12'], Readable.from(['twelve bytes']))
    expect({exitCode: result.exitCode, stderr: result.stderr}).toEqual({exitCode: 0, stderr: ''})
    expect(callsOf(world.api, 'sendMessage').map((request) => request.params.text)).toEqual(['twelve bytes'])
  })
})

describe('alert --body reads at most 64 KiB by default', () => {
  it('an endless pipe: the rendered alert carries 64 KiB of the body and the note, and the command exits', async () => {
    const result = await runOnPipe(
      ['alert', 'Payments failing', '--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id), '--no-host', '--body', '-', '--dry-run', '--json'],
      endlessLog(),
    )
    expect(result.timedOut).toBe(false)
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('Warning: --body: the text is longer than 64 KiB: sent the first 64 KiB, cut with a note (--max-bytes to change)')
    const {text} = jsonOf(result) as {text: string}
    const body = text.slice(text.indexOf('line 000000001'))
    expect(body).toMatch(/…\n\n\[cut: the input was longer than 64 KiB; the rest was not sent \(--max-bytes to change\)\]/)
    const kept = body.slice(0, body.indexOf('…')).replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(64 * 1024)
    expect(Buffer.byteLength(kept)).toBeGreaterThan(63 * 1024)
    if (result.peakMiB !== undefined) expect(result.peakMiB).toBeLessThan(150)
  })

  it('--max-bytes sets another limit; the alert is sent in one message', async () => {
    const result = await runOnPipe(['alert', 'Payments failing', '--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id), '--no-host', '--body', '-', '--max-bytes', '2000'], endlessLog(50_000_000))
    expect(result.exitCode).toBe(0)
    const texts = callsOf(world.api, 'sendMessage').map((request) => request.params.text as string)
    expect(texts).toHaveLength(1)
    expect(texts[0]).toContain('[cut: the input was longer than 2,000 bytes; the rest was not sent (--max-bytes to change)]')
  })
})
