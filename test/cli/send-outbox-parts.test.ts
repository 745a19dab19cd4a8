// `send --outbox` and `alert` of a message Telegram takes as several (a text over 4,096 characters, a document whose caption
// goes on in messages): when Telegram stops answering half-way, the flush sends each chat the parts it lacks, in
// order, and none it already had.
import {randomBytes} from 'node:crypto'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {ALERTS_BOT, callsOf, ON_CALL, useCliWorld} from './fixture.js'

const world = useCliWorld()
const toOnCall = ['--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id)]
/** The first part goes through, then every call answers 502 until `reset()`: Telegram went down half-way. */
const downAfterFirstCall = () => {
  world.api.failNext({times: 1, kind: {delayMs: 1}})
  world.api.failNext({times: 1000, kind: {status: 502}})
}

/** Five messages: lines 0000-0599 of a nightly report, about 19,000 characters. */
const report = Array.from({length: 600}, (_, line) => `line ${String(line).padStart(4, '0')} of the nightly report`).join('\n')

/** Every line the chat got, in order (a part may end with the line break it was cut after). */
const linesOf = (texts: string[]) => texts.flatMap((text) => text.split('\n')).filter((line) => line !== '')

describe('send --outbox, a message in several parts', () => {
  it('a long text cut off after its first part: the flush sends the other four, and the first is not sent again', async () => {
    downAfterFirstCall()
    const down = await world.run(['send', '--outbox', ...toOnCall, '--file', '-'], {input: report})
    expect(down.exitCode).toBe(75)
    world.api.reset()
    const flushed = await world.run(['alert', 'flush', '--token', ALERTS_BOT.token])
    expect(flushed.exitCode).toBe(0)
    const texts = world.api.messages(ON_CALL.id).map((message) => message.text ?? '')
    expect(texts).toHaveLength(5)
    expect(linesOf(texts)).toEqual(report.split('\n'))
  })

  it('a document delivered, the text after its caption not: the flush sends that text alone, not the file again', async () => {
    const path = join(world.cli.env.HOME!, 'report.bin')
    writeFileSync(path, randomBytes(5000))
    downAfterFirstCall()
    const down = await world.run(['send', '--outbox', ...toOnCall, '--document', path, '--file', '-'], {input: report})
    expect(down.exitCode).toBe(75)
    world.api.reset()
    const flushed = await world.run(['alert', 'flush', '--token', ALERTS_BOT.token])
    expect(flushed.exitCode).toBe(0)
    expect(callsOf(world.api, 'sendDocument')).toEqual([])
    const delivered = world.api.messages(ON_CALL.id)
    expect(delivered.filter((message) => 'document' in message)).toHaveLength(1)
    const caption = delivered[0]!.caption ?? ''
    expect(linesOf([caption, ...delivered.slice(1).map((message) => message.text ?? '')])).toEqual(report.split('\n'))
  })
})

describe('alert, a body in several parts', () => {
  it('cut off after its first part: the flush sends the rest, and the title part is not sent again', async () => {
    downAfterFirstCall()
    const env = {TELEGRAM_BOT_TOKEN: ALERTS_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id)}
    const down = await world.run(['alert', 'Payment errors', '--body', '-', '--no-host'], {input: report, env})
    expect(down.exitCode).toBe(75)
    world.api.reset()
    const flushed = await world.run(['alert', 'flush'], {env})
    expect(flushed.exitCode).toBe(0)
    const texts = world.api.messages(ON_CALL.id).map((message) => message.text ?? '')
    expect(texts.filter((text) => text.includes('Payment errors'))).toHaveLength(1)
    expect(linesOf(texts).filter((line) => line.startsWith('line '))).toEqual(report.split('\n'))
  })
})
