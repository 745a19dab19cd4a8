import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {alertButtons, BUTTON_KEYS_KEPT_MS, keyRef, parseAlertButton, prepareAlertButtons, pruneButtonKeys, resolveKeyRef} from '../../src/webhook/alert-buttons.js'
import {buttonMac, buttonSigningKey, macMatches} from '../../src/webhook/button-signing.js'
import {FileKeyValue} from '../../src/store/file/file-key-value.js'
import {jsonPathFor} from '../../src/store/file/locked-json.js'
import {shortDuration} from '../../src/webhook/time-text.js'

// `mute:<key>:604800:<16-char mac>` must fit 64 bytes: 5 + key + 24, so keys up to 35 bytes travel as they are.
const LONGEST_INLINE = 'k'.repeat(35)
const SIGNER = {key: Buffer.alloc(32, 7), channel: 'alerts'}
const mac = (kind: 'ack' | 'mute', ref: string, seconds?: number, channel = 'alerts') => buttonMac(SIGNER.key, {channel, kind, ref, seconds})

describe('keyRef: the key itself while every button fits 64 bytes, else a hash', () => {
  it('35 bytes inline, 36 hashed; UTF-8 bytes count, not characters', () => {
    expect(keyRef(LONGEST_INLINE)).toBe(LONGEST_INLINE)
    expect(keyRef(`${LONGEST_INLINE}k`)).toMatch(/^#[0-9a-f]{32}$/)
    expect(keyRef('é'.repeat(17))).toBe('é'.repeat(17))
    expect(keyRef('é'.repeat(18))).toMatch(/^#[0-9a-f]{32}$/)
  })

  it('a key that starts with # is always hashed, so it cannot pass for a hash', () => {
    expect(keyRef('#1')).toMatch(/^#[0-9a-f]{32}$/)
    expect(keyRef('#1')).not.toBe(keyRef('#2'))
  })

  it('refuses an empty key', () => {
    expect(() => keyRef('')).toThrow('alert buttons need a non-empty throttle key')
  })
})

describe('alertButtons', () => {
  it('longest inline key and longest hashed ref: every button within 64 bytes, signed; other mute lengths are labelled', () => {
    for (const key of [LONGEST_INLINE, 'x'.repeat(500)]) {
      const [[ack, mute]] = alertButtons(key, SIGNER, {muteSeconds: 604_800}).inline_keyboard as [[{text: string; callback_data: string}, {text: string; callback_data: string}]]
      expect(Buffer.byteLength(mute.callback_data)).toBeLessThanOrEqual(64)
      expect(Buffer.byteLength(ack.callback_data)).toBeLessThanOrEqual(64)
    }
    const [[ack, mute]] = alertButtons(LONGEST_INLINE, SIGNER, {muteSeconds: 604_800}).inline_keyboard as [[{text: string; callback_data: string}, {text: string; callback_data: string}]]
    expect(Buffer.byteLength(mute.callback_data)).toBe(64)
    expect([ack.callback_data, mute.text]).toEqual([`ack:${LONGEST_INLINE}:${mac('ack', LONGEST_INLINE)}`, 'Mute 7d'])
    expect(alertButtons('k', SIGNER, {muteSeconds: 5400, buttons: ['mute']})).toEqual({inline_keyboard: [[{text: 'Mute 1h 30m', callback_data: `mute:k:5400:${mac('mute', 'k', 5400)}`}]]})
  })

  it('the signature covers channel, action, key and mute length', () => {
    const signed = {channel: 'alerts', kind: 'mute' as const, ref: 'db:down', seconds: 3600}
    const good = buttonMac(SIGNER.key, signed)
    expect(good).toMatch(/^[A-Za-z0-9_-]{16}$/)
    expect(macMatches(SIGNER.key, signed, good)).toBe(true)
    expect(macMatches(SIGNER.key, {...signed, channel: 'deploy'}, good)).toBe(false)
    expect(macMatches(SIGNER.key, {...signed, kind: 'ack', seconds: undefined}, good)).toBe(false)
    expect(macMatches(SIGNER.key, {...signed, ref: 'db:up'}, good)).toBe(false)
    expect(macMatches(SIGNER.key, {...signed, seconds: 604_800}, good)).toBe(false)
    expect(macMatches(Buffer.alloc(32, 8), signed, good)).toBe(false)
    expect(macMatches(SIGNER.key, signed, 'short')).toBe(false)
  })

  it('refuses mute lengths outside 60 s .. 7 days', () => {
    expect(() => alertButtons('k', SIGNER, {muteSeconds: 59})).toThrow('muteSeconds must be an integer from 60 to 604800 (got 59)')
    expect(() => alertButtons('k', SIGNER, {muteSeconds: 604_801})).toThrow('muteSeconds must be an integer from 60 to 604800 (got 604801)')
  })
})

describe('parseAlertButton', () => {
  const M = 'A'.repeat(16)
  it.each([
    [`ack:db:down:${M}`, {kind: 'ack', ref: 'db:down', mac: M}],
    [`mute:db:down:3600:${M}`, {kind: 'mute', ref: 'db:down', seconds: 3600, mac: M}],
    [`mute:db:1:3600:${M}`, {kind: 'mute', ref: 'db:1', seconds: 3600, mac: M}],
    [`mute:db:down:30:${M}`, undefined],
    [`mute:db:down:9999999:${M}`, undefined],
    ['ack:db:down', undefined],
    ['mute:db:down:3600', undefined],
    [`ack::${M}`, undefined],
    ['ack', undefined],
    ['deploy-approve', undefined],
  ])('%s', (data, expected) => {
    expect(parseAlertButton(data)).toEqual(expected)
  })
})

describe('the signing key and the key map', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
  })
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'fastpay-tg-buttons-'))
    dirs.push(dir)
    return dir
  }

  it('one key per bot, made once, kept 0600 in the state dir; two racing makers agree', async () => {
    const stateDir = tempDir()
    const kv = new FileKeyValue({dir: join(stateDir, 'state')})
    const [first, racing] = await Promise.all([buttonSigningKey(kv, 7012345678), buttonSigningKey(new FileKeyValue({dir: join(stateDir, 'state')}), 7012345678)])
    expect(first.equals(racing)).toBe(true)
    expect(first).toHaveLength(32)
    expect((await buttonSigningKey(kv, 6098765432)).equals(first)).toBe(false)
    const file = jsonPathFor(join(stateDir, 'state'), 'webhook/button-signing-key/7012345678')
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('prepareAlertButtons writes the key only when hashed; resolveKeyRef reads it back and checks it', async () => {
    const stateDir = tempDir()
    const signing = {keyValue: new FileKeyValue({dir: join(stateDir, 'state')}), botId: 7012345678, channel: 'alerts'}
    const longKey = `payments:${'x'.repeat(80)}`
    await prepareAlertButtons('db:down', stateDir, signing)
    await prepareAlertButtons(longKey, stateDir, signing)
    const ref = keyRef(longKey)
    expect(readdirSync(join(stateDir, 'button-keys'))).toEqual([`${ref.slice(1)}.key`])
    expect(readFileSync(join(stateDir, 'button-keys', `${ref.slice(1)}.key`), 'utf8')).toBe(longKey)
    expect(statSync(join(stateDir, 'button-keys', `${ref.slice(1)}.key`)).mode & 0o777).toBe(0o600)
    expect(await resolveKeyRef(ref, stateDir)).toBe(longKey)
    expect(await resolveKeyRef('db:down', stateDir)).toBe('db:down')
    expect(await resolveKeyRef(`#${'a'.repeat(32)}`, stateDir)).toBeUndefined()
    expect(await resolveKeyRef('#../../etc/passwd', stateDir)).toBeUndefined()
  })

  it('map entries are pruned once older than their window, younger ones kept', async () => {
    const stateDir = tempDir()
    const signing = {keyValue: new FileKeyValue({dir: join(stateDir, 'state')}), botId: 7012345678, channel: 'alerts'}
    const [oldKey, newKey] = [`old:${'x'.repeat(60)}`, `new:${'x'.repeat(60)}`]
    await prepareAlertButtons(oldKey, stateDir, signing)
    const oldFile = join(stateDir, 'button-keys', `${keyRef(oldKey).slice(1)}.key`)
    const written = Date.now() / 1000 - BUTTON_KEYS_KEPT_MS / 1000 - 60
    utimesSync(oldFile, written, written)
    // Writing another entry prunes on the way.
    await prepareAlertButtons(newKey, stateDir, signing)
    expect(readdirSync(join(stateDir, 'button-keys'))).toEqual([`${keyRef(newKey).slice(1)}.key`])
    expect(await resolveKeyRef(keyRef(oldKey), stateDir)).toBeUndefined()
    expect(await pruneButtonKeys(stateDir, Date.now() + BUTTON_KEYS_KEPT_MS - 60_000)).toBe(0)
    expect(await pruneButtonKeys(stateDir, Date.now() + BUTTON_KEYS_KEPT_MS + 60_000)).toBe(1)
    expect(readdirSync(join(stateDir, 'button-keys'))).toEqual([])
  })
})

describe('shortDuration', () => {
  it.each([[45, '45s'], [60, '1m'], [3600, '1h'], [5400, '1h 30m'], [3601, '1h'], [86_400, '1d'], [90_000, '1d 1h'], [0, '0s']])('%i s → %s', (seconds, text) => {
    expect(shortDuration(seconds)).toBe(text)
  })
})
