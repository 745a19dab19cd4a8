// The buttons an alert can carry (`alert --buttons ack,mute`) and what their callback data means.
//
// Callback data holds 64 bytes at most: `ack:<ref>:<mac>` and `mute:<ref>:<seconds>:<mac>`, where <mac> signs the
// channel, the action, the ref and the seconds with the bot's key (button-signing.ts), so `webhook serve` honours
// only buttons the toolkit made, in chats that receive that channel. <ref> is the alert's throttle key as is when
// the longest form fits; otherwise `#` and 32 hex digits of the key's sha256, and `prepareAlertButtons` writes the
// key to `<state dir>/button-keys/<hex>.key`, where `webhook serve` looks it up. A key starting with `#` is always
// hashed, so the two forms never clash. Those files are pruned after BUTTON_KEYS_KEPT_MS.
import {createHash} from 'node:crypto'
import {mkdir, readdir, readFile, stat, unlink} from 'node:fs/promises'
import {join} from 'node:path'

import type {InlineKeyboardButton, InlineKeyboardMarkup} from '@grammyjs/types'

import {writeFileAtomic} from '../support/atomic-write.js'
import type {KeyValueStore} from '../store/types.js'
import {UserError} from '../user-error.js'
import {buttonMac, buttonSigningKey, MAC_CHARS} from './button-signing.js'

export {botIdOfToken} from './button-signing.js'
import {shortDuration} from './time-text.js'

const CALLBACK_DATA_MAX_BYTES = 64
/** @default mute length of the `Mute 1h` button */
export const DEFAULT_MUTE_SECONDS = 3600
/** The longest mute a button may ask for: 7 days. */
export const MAX_MUTE_SECONDS = 7 * 86_400
const HASH_PREFIX = '#'
const HASH_HEX_DIGITS = 32
/**
 * How long a long key's map entry is kept. Telegram shows the bot a pressed message only for 48 hours (after that
 * the press cannot be checked against the message and is refused), so a week is ample.
 */
export const BUTTON_KEYS_KEPT_MS = 7 * 86_400_000

export type AlertButtonAction =
  | {kind: 'ack'; ref: string; mac: string}
  | {kind: 'mute'; ref: string; seconds: number; mac: string}

/** What signs the buttons: the bot's key and the alert's channel. */
export interface ButtonSigner {
  key: Buffer
  channel: string
}

const hashHex = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex').slice(0, HASH_HEX_DIGITS)

/** What the callback data carries for `throttleKey`: the key itself when it fits, else `#<32 hex digits>`. */
export function keyRef(throttleKey: string): string {
  if (throttleKey === '') throw new RangeError('alert buttons need a non-empty throttle key')
  const longest = `mute:${throttleKey}:${MAX_MUTE_SECONDS}:${'x'.repeat(MAC_CHARS)}`
  const fits = !throttleKey.startsWith(HASH_PREFIX) && Buffer.byteLength(longest, 'utf8') <= CALLBACK_DATA_MAX_BYTES
  return fits ? throttleKey : `${HASH_PREFIX}${hashHex(throttleKey)}`
}

export interface AlertButtonsOptions {
  /** How long `Mute` silences the key; 60 s to 7 days. @default 3600 */
  muteSeconds?: number
  /** Which buttons, in order. @default ['ack', 'mute'] */
  buttons?: ReadonlyArray<'ack' | 'mute'>
}

/**
 * One row with `Acknowledge` and `Mute 1h`, bound to the alert's throttle key and signed for its channel. When the
 * key is too long for callback data (see `keyRef`), use `prepareAlertButtons`, which also records the key.
 */
export function alertButtons(throttleKey: string, signer: ButtonSigner, options: AlertButtonsOptions = {}): InlineKeyboardMarkup {
  const muteSeconds = options.muteSeconds ?? DEFAULT_MUTE_SECONDS
  if (!Number.isSafeInteger(muteSeconds) || muteSeconds < 60 || muteSeconds > MAX_MUTE_SECONDS) {
    throw new RangeError(`muteSeconds must be an integer from 60 to ${MAX_MUTE_SECONDS} (got ${muteSeconds})`)
  }
  const ref = keyRef(throttleKey)
  const mac = (kind: 'ack' | 'mute', seconds?: number) => buttonMac(signer.key, {channel: signer.channel, kind, ref, seconds})
  const row: InlineKeyboardButton.CallbackButton[] = (options.buttons ?? ['ack', 'mute']).map((button) =>
    button === 'ack'
      ? {text: 'Acknowledge', callback_data: `ack:${ref}:${mac('ack')}`}
      : {text: `Mute ${shortDuration(muteSeconds)}`, callback_data: `mute:${ref}:${muteSeconds}:${mac('mute', muteSeconds)}`},
  )
  return {inline_keyboard: [row]}
}

/** The button-key map's directory inside a state dir (`~/.local/state/fastpay-tg/button-keys`). */
export const buttonKeysDirIn = (stateDir: string) => join(stateDir, 'button-keys')

export interface PrepareAlertButtonsOptions extends AlertButtonsOptions {
  /** Where the bot's signing key lives: the configured store's key-value part. */
  keyValue: KeyValueStore
  /** The sending bot's Telegram id (`botIdOfToken`). */
  botId: number
  /** The alert's channel: only chats that receive it may press. */
  channel: string
  /** @default Date.now */
  now?: () => number
}

/** `alertButtons` with the bot's signing key, plus the key recorded under `stateDir` when the buttons carry its hash. */
export async function prepareAlertButtons(throttleKey: string, stateDir: string, options: PrepareAlertButtonsOptions): Promise<InlineKeyboardMarkup> {
  const key = await buttonSigningKey(options.keyValue, options.botId)
  const markup = alertButtons(throttleKey, {key, channel: options.channel}, options)
  const ref = keyRef(throttleKey)
  if (ref.startsWith(HASH_PREFIX)) {
    const dir = buttonKeysDirIn(stateDir)
    await mkdir(dir, {recursive: true, mode: 0o700})
    await writeFileAtomic(join(dir, `${ref.slice(1)}.key`), throttleKey, 0o600)
    await pruneButtonKeys(stateDir, (options.now ?? Date.now)())
  }
  return markup
}

/** Removes map entries written more than BUTTON_KEYS_KEPT_MS before `now`; returns how many went. */
export async function pruneButtonKeys(stateDir: string, now = Date.now(), keptMs = BUTTON_KEYS_KEPT_MS): Promise<number> {
  const dir = buttonKeysDirIn(stateDir)
  const names = await readdir(dir).catch(() => [] as string[])
  let removed = 0
  for (const name of names.filter((file) => file.endsWith('.key'))) {
    const path = join(dir, name)
    const info = await stat(path).catch(() => undefined)
    if (info === undefined || now - info.mtimeMs <= keptMs) continue
    // Another process may prune the same file at once: gone is gone.
    if (await unlink(path).then(() => true, () => false)) removed++
  }
  return removed
}

/** The throttle key behind a ref, or undefined when its map entry is missing (another machine, pruned, wiped). */
export async function resolveKeyRef(ref: string, stateDir: string): Promise<string | undefined> {
  if (!ref.startsWith(HASH_PREFIX)) return ref
  const hex = ref.slice(1)
  if (!new RegExp(`^[0-9a-f]{${HASH_HEX_DIGITS}}$`).test(hex)) return undefined
  const key = await readFile(join(buttonKeysDirIn(stateDir), `${hex}.key`), 'utf8').catch(() => undefined)
  return key !== undefined && hashHex(key) === hex ? key : undefined
}

const MAC = `([A-Za-z0-9_-]{${MAC_CHARS}})`
const SIGNED_ACK = new RegExp(`^ack:(.+):${MAC}$`)
const SIGNED_MUTE = new RegExp(`^mute:(.+):(\\d{1,7}):${MAC}$`)

/** Data shaped like an alert button's, signed or not: presses of it are refused unless `parseAlertButton` reads it. */
export const looksLikeAlertButton = (data: string) => data.startsWith('ack:') || data.startsWith('mute:')

/** Reads `ack:<ref>:<mac>` or `mute:<ref>:<seconds>:<mac>`; undefined for anything else (unsigned data too). */
export function parseAlertButton(data: string): AlertButtonAction | undefined {
  const ack = SIGNED_ACK.exec(data)
  if (ack) return {kind: 'ack', ref: ack[1]!, mac: ack[2]!}
  const mute = SIGNED_MUTE.exec(data)
  if (!mute) return undefined
  const seconds = Number(mute[2])
  if (seconds < 60 || seconds > MAX_MUTE_SECONDS) return undefined
  return {kind: 'mute', ref: mute[1]!, seconds, mac: mute[3]!}
}

/** `--buttons ack,mute` → the buttons, in order; anything else is a one-line UserError naming the flag. */
export function parseAlertButtonNames(value: string, field = '--buttons'): Array<'ack' | 'mute'> {
  const names = value.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '')
  const unknown = names.find((name) => name !== 'ack' && name !== 'mute')
  if (names.length === 0 || unknown !== undefined) {
    throw new UserError(`${field}: expected ack, mute or ack,mute (got "${value}")`)
  }
  return [...new Set(names)] as Array<'ack' | 'mute'>
}
