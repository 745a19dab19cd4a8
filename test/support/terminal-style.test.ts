import {describe, expect, it} from 'vitest'

import {deliveryProgress} from '../../commands/support/delivery-progress.js'
import {colourOn, paint, progressOn} from '../../src/support/terminal-style.js'
import type {ChatDelivery} from '../../src/send/deliver.js'

const tty = {isTTY: true}
const pipe = {isTTY: false}

describe('colourOn', () => {
  it('on a terminal, unless NO_COLOR or TERM=dumb; FORCE_COLOR turns it on through a pipe, FORCE_COLOR=0 off', () => {
    expect(colourOn(tty, {})).toBe(true)
    expect(colourOn(pipe, {})).toBe(false)
    expect(colourOn(tty, {NO_COLOR: '1'})).toBe(false)
    expect(colourOn(tty, {NO_COLOR: ''})).toBe(true)
    expect(colourOn(tty, {TERM: 'dumb'})).toBe(false)
    expect(colourOn(pipe, {FORCE_COLOR: '1'})).toBe(true)
    expect(colourOn(tty, {FORCE_COLOR: '0'})).toBe(false)
    expect(colourOn(tty, {FORCE_COLOR: 'false'})).toBe(false)
  })
})

describe('progressOn', () => {
  it('only when stdout and stderr are both a terminal and the user asked for no plain output', () => {
    expect(progressOn(tty, tty, {})).toBe(true)
    expect(progressOn(pipe, tty, {})).toBe(false)
    expect(progressOn(tty, pipe, {})).toBe(false)
    expect(progressOn(tty, tty, {NO_COLOR: '1'})).toBe(false)
    expect(progressOn(pipe, pipe, {FORCE_COLOR: '1'})).toBe(false)
  })
})

describe('paint', () => {
  it('wraps in the colour only when on', () => {
    expect(paint('sent', 'green', true)).toBe('\u001b[32msent\u001b[39m')
    expect(paint('sent', 'green', false)).toBe('sent')
  })
})

describe('deliveryProgress', () => {
  const ok: ChatDelivery = {chatId: 1, ok: true, messageIds: [1]}
  const failed: ChatDelivery = {chatId: 2, ok: false, messageIds: [], error: {code: 'telegram', message: 'Forbidden', exitCode: 1}}

  it('redraws the count at most every 100 ms after a 200 ms wait, always the last, then clears', () => {
    const written: string[] = []
    let now = 0
    const progress = deliveryProgress({stdout: tty, stderr: {isTTY: true, write: (text) => written.push(text)}, env: {NO_COLOR: undefined}, now: () => now})!
    progress.chatDone(ok, 4)
    now = 200
    progress.chatDone(ok, 4)
    now = 250
    progress.chatDone(failed, 4)
    now = 260
    progress.chatDone(ok, 4)
    progress.end()
    const G = '\u001b[32msent\u001b[39m'
    const R = '\u001b[31mfailed\u001b[39m'
    expect(written).toEqual([`\r\u001b[2K2/4 ${G}`, `\r\u001b[2K3/4 ${G}, 1 ${R}`, '\r\u001b[2K'])
  })

  it('draws nothing for one chat, and is off through a pipe', () => {
    const written: string[] = []
    const progress = deliveryProgress({stdout: tty, stderr: {isTTY: true, write: (text) => written.push(text)}, env: {FASTPAY_TG_PROGRESS_DELAY_MS: '0'}})!
    progress.chatDone(ok, 1)
    progress.end()
    expect(written).toEqual([])
    expect(deliveryProgress({stdout: pipe, stderr: {isTTY: true, write: () => 0}, env: {}})).toBeUndefined()
  })
})
