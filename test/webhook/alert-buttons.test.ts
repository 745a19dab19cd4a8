import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
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

  it('prepareAlertButtons records the key in the store only when hashed, for a week; resolveKeyRef reads it back and checks it', async () => {
    const stateDir = tempDir()
    const keyValue = new FileKeyValue({dir: join(stateDir, 'state')})
    const signing = {keyValue, botId: 7012345678, channel: 'alerts'}
    const longKey = `payments:${'x'.repeat(80)}`
    await prepareAlertButtons('db:down', signing)
    const before = Date.now()
    await prepareAlertButtons(longKey, signing)
    const ref = keyRef(longKey)
    expect((await keyValue.list('button-keys/')).map(({key, value}) => [key, value])).toEqual([[`button-keys/${ref.slice(1)}`, longKey]])
    const file = JSON.parse(readFileSync(jsonPathFor(join(stateDir, 'state'), `button-keys/${ref.slice(1)}`), 'utf8')) as {expiresAt: number}
    expect(file.expiresAt - before).toBeGreaterThanOrEqual(BUTTON_KEYS_KEPT_MS)
    expect(file.expiresAt - before).toBeLessThan(BUTTON_KEYS_KEPT_MS + 60_000)
    // Nothing in the directory older versions wrote.
    expect(existsSync(join(stateDir, 'button-keys'))).toBe(false)
    const where = {keyValue, stateDir}
    expect(await resolveKeyRef(ref, where)).toBe(longKey)
    expect(await resolveKeyRef('db:down', where)).toBe('db:down')
    expect(await resolveKeyRef(`#${'a'.repeat(32)}`, where)).toBeUndefined()
    expect(await resolveKeyRef('#../../etc/passwd', where)).toBeUndefined()
    // A store that does not hold the entry (another machine's files) does not know the key.
    expect(await resolveKeyRef(ref, {keyValue: new FileKeyValue({dir: join(tempDir(), 'state')}), stateDir: tempDir()})).toBeUndefined()
  })

  it("an older version's <state dir>/button-keys/<hex>.key is still read, and only when it holds the key hashed", async () => {
    const stateDir = tempDir()
    const where = {keyValue: new FileKeyValue({dir: join(stateDir, 'state')}), stateDir}
    const [longKey, other] = [`payments:${'x'.repeat(80)}`, `payments:${'y'.repeat(80)}`]
    mkdirSync(join(stateDir, 'button-keys'), {mode: 0o700})
    writeFileSync(join(stateDir, 'button-keys', `${keyRef(longKey).slice(1)}.key`), longKey, {mode: 0o600})
    writeFileSync(join(stateDir, 'button-keys', `${keyRef(other).slice(1)}.key`), 'edited by hand', {mode: 0o600})
    expect(await resolveKeyRef(keyRef(longKey), where)).toBe(longKey)
    expect(await resolveKeyRef(keyRef(other), where)).toBeUndefined()
  })

  it('pruning removes expired store entries and older versions\' files past the week, keeping younger ones', async () => {
    const stateDir = tempDir()
    let now = Date.now()
    const keyValue = new FileKeyValue({dir: join(stateDir, 'state'), now: () => now})
    const where = {keyValue, stateDir}
    const [oldKey, newKey, legacyKey] = [`old:${'x'.repeat(60)}`, `new:${'x'.repeat(60)}`, `legacy:${'x'.repeat(60)}`]
    await prepareAlertButtons(oldKey, {keyValue, botId: 7012345678, channel: 'alerts'})
    now += BUTTON_KEYS_KEPT_MS - 60_000
    await prepareAlertButtons(newKey, {keyValue, botId: 7012345678, channel: 'alerts'})
    now += 120_000
    mkdirSync(join(stateDir, 'button-keys'), {mode: 0o700})
    const legacyFile = join(stateDir, 'button-keys', `${keyRef(legacyKey).slice(1)}.key`)
    writeFileSync(legacyFile, legacyKey, {mode: 0o600})
    const stateFiles = () => readdirSync(join(stateDir, 'state')).filter((name) => name.endsWith('.json')).length
    // The signing key and two entries, the old one past its week.
    expect(stateFiles()).toBe(3)
    expect(await resolveKeyRef(keyRef(oldKey), where)).toBeUndefined()
    expect(await pruneButtonKeys(where, Date.now() + BUTTON_KEYS_KEPT_MS - 60_000)).toBe(0)
    expect(stateFiles()).toBe(2)
    expect(await resolveKeyRef(keyRef(newKey), where)).toBe(newKey)
    expect(await resolveKeyRef(keyRef(legacyKey), where)).toBe(legacyKey)
    expect(await pruneButtonKeys(where, Date.now() + BUTTON_KEYS_KEPT_MS + 60_000)).toBe(1)
    expect(readdirSync(join(stateDir, 'button-keys'))).toEqual([])
  })
})

describe('shortDuration', () => {
  it.each([[45, '45s'], [60, '1m'], [3600, '1h'], [5400, '1h 30m'], [3601, '1h'], [86_400, '1d'], [90_000, '1d 1h'], [0, '0s']])('%i s → %s', (seconds, text) => {
    expect(shortDuration(seconds)).toBe(text)
  })
})
