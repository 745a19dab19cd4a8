import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {alertButtons, keyRef, parseAlertButton, prepareAlertButtons, resolveKeyRef} from '../../src/webhook/alert-buttons.js'
import {shortDuration} from '../../src/webhook/time-text.js'

// `mute:<key>:604800` must fit 64 bytes: 5 + key + 7, so keys up to 52 bytes travel as they are.
const LONGEST_INLINE = 'k'.repeat(52)

describe('keyRef: the key itself while every button fits 64 bytes, else a hash', () => {
  it('52 bytes inline, 53 hashed; UTF-8 bytes count, not characters', () => {
    expect(keyRef(LONGEST_INLINE)).toBe(LONGEST_INLINE)
    expect(keyRef(`${LONGEST_INLINE}k`)).toMatch(/^#[0-9a-f]{40}$/)
    expect(keyRef('é'.repeat(26))).toBe('é'.repeat(26))
    expect(keyRef('é'.repeat(27))).toMatch(/^#[0-9a-f]{40}$/)
  })

  it('a key that starts with # is always hashed, so it cannot pass for a hash', () => {
    expect(keyRef('#1')).toMatch(/^#[0-9a-f]{40}$/)
    expect(keyRef('#1')).not.toBe(keyRef('#2'))
  })

  it('refuses an empty key', () => {
    expect(() => keyRef('')).toThrow('alert buttons need a non-empty throttle key')
  })
})

describe('alertButtons', () => {
  it('longest inline key: both buttons within 64 bytes; other mute lengths are labelled', () => {
    const [[ack, mute]] = alertButtons(LONGEST_INLINE, {muteSeconds: 604_800}).inline_keyboard as [[{text: string; callback_data: string}, {text: string; callback_data: string}]]
    expect(Buffer.byteLength(mute.callback_data)).toBe(64)
    expect([ack.callback_data, mute.text]).toEqual([`ack:${LONGEST_INLINE}`, 'Mute 7d'])
    expect(alertButtons('k', {muteSeconds: 5400, buttons: ['mute']})).toEqual({inline_keyboard: [[{text: 'Mute 1h 30m', callback_data: 'mute:k:5400'}]]})
  })

  it('refuses mute lengths outside 60 s .. 7 days', () => {
    expect(() => alertButtons('k', {muteSeconds: 59})).toThrow('muteSeconds must be an integer from 60 to 604800 (got 59)')
    expect(() => alertButtons('k', {muteSeconds: 604_801})).toThrow('muteSeconds must be an integer from 60 to 604800 (got 604801)')
  })
})

describe('parseAlertButton', () => {
  it.each([
    ['ack:db:down', {kind: 'ack', ref: 'db:down'}],
    ['mute:db:down:3600', {kind: 'mute', ref: 'db:down', seconds: 3600}],
    ['mute:db:down:30', undefined],
    ['mute:db:down:9999999', undefined],
    ['mute:db:down', undefined],
    ['ack:', undefined],
    ['ack', undefined],
    ['deploy-approve', undefined],
  ])('%s', (data, expected) => {
    expect(parseAlertButton(data)).toEqual(expected)
  })
})

describe('the key map for hashed refs', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
  })

  it('prepareAlertButtons writes the key only when hashed; resolveKeyRef reads it back and checks it', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'fastpay-tg-buttons-'))
    dirs.push(stateDir)
    const longKey = `payments:${'x'.repeat(80)}`
    await prepareAlertButtons('db:down', stateDir)
    await prepareAlertButtons(longKey, stateDir)
    const ref = keyRef(longKey)
    expect(readFileSync(join(stateDir, 'button-keys', `${ref.slice(1)}.key`), 'utf8')).toBe(longKey)
    expect(await resolveKeyRef(ref, stateDir)).toBe(longKey)
    expect(await resolveKeyRef('db:down', stateDir)).toBe('db:down')
    expect(await resolveKeyRef(`#${'a'.repeat(40)}`, stateDir)).toBeUndefined()
    expect(await resolveKeyRef('#../../etc/passwd', stateDir)).toBeUndefined()
  })
})

describe('shortDuration', () => {
  it.each([[45, '45s'], [60, '1m'], [3600, '1h'], [5400, '1h 30m'], [3601, '1h'], [86_400, '1d'], [90_000, '1d 1h'], [0, '0s']])('%i s → %s', (seconds, text) => {
    expect(shortDuration(seconds)).toBe(text)
  })
})
