// The buttons an alert can carry (`alert --buttons ack,mute`) and what their callback data means.
//
// Callback data holds 64 bytes at most: `ack:<ref>:<mac>` and `mute:<ref>:<seconds>:<mac>`, where <mac> signs the
// channel, the action, the ref and the seconds with the bot's key (button-signing.ts), so `webhook serve` honours
// only buttons the toolkit made, in chats that receive that channel. <ref> is the alert's throttle key as is when
// the longest form fits; otherwise `#` and 32 hex digits of the key's sha256, and `prepareAlertButtons` records the
// key in the store (button-keys.ts), where `webhook serve` on any host sharing it looks it up. A key starting with `#`
// is always hashed, so the two forms never clash.

import type {InlineKeyboardButton, InlineKeyboardMarkup} from '@grammyjs/types'

import type {KeyValueStore} from '../store/types.js'
import {UserError} from '../user-error.js'
import {type ButtonKeyLookup, lookUpButtonKey, recordButtonKey} from './button-keys.js'
import {buttonMac, buttonSigningKey, MAC_CHARS} from './button-signing.js'

export {botIdOfToken} from './button-signing.js'
export {BUTTON_KEYS_KEPT_MS, pruneButtonKeys} from './button-keys.js'
import {shortDuration} from './time-text.js'
import {nodeCrypto} from '../support/node-crypto.js'

const CALLBACK_DATA_MAX_BYTES = 64
/** @default mute length of the `Mute 1h` button */
export const DEFAULT_MUTE_SECONDS = 3600
/** The longest mute a button may ask for: 7 days. */
export const MAX_MUTE_SECONDS = 7 * 86_400
const HASH_PREFIX = '#'
const HASH_HEX_DIGITS = 32
export type AlertButtonAction =
  | {kind: 'ack'; ref: string; mac: string}
  | {kind: 'mute'; ref: string; seconds: number; mac: string}

/** What signs the buttons: the bot's key and the alert's channel. */
export interface ButtonSigner {
  key: Buffer
  channel: string
}

const hashHex = (key: string) => nodeCrypto().createHash('sha256').update(key, 'utf8').digest('hex').slice(0, HASH_HEX_DIGITS)

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

export interface PrepareAlertButtonsOptions extends AlertButtonsOptions {
  /** Where the bot's signing key and long keys' map live: the configured store's key-value part. */
  keyValue: KeyValueStore
  /** The sending bot's Telegram id (`botIdOfToken`). */
  botId: number
  /** The alert's channel: only chats that receive it may press. */
  channel: string
}

/** `alertButtons` with the bot's signing key, plus the key recorded in the store when the buttons carry its hash. */
export async function prepareAlertButtons(throttleKey: string, options: PrepareAlertButtonsOptions): Promise<InlineKeyboardMarkup> {
  const key = await buttonSigningKey(options.keyValue, options.botId)
  const markup = alertButtons(throttleKey, {key, channel: options.channel}, options)
  const ref = keyRef(throttleKey)
  if (ref.startsWith(HASH_PREFIX)) await recordButtonKey(options.keyValue, ref.slice(1), throttleKey)
  return markup
}

/**
 * The throttle key behind a ref, or undefined when its map entry is missing (a store this server does not share,
 * expired, wiped) or is not the key hashed (a file edited by hand).
 */
export async function resolveKeyRef(ref: string, where: ButtonKeyLookup): Promise<string | undefined> {
  if (!ref.startsWith(HASH_PREFIX)) return ref
  const hex = ref.slice(1)
  if (!new RegExp(`^[0-9a-f]{${HASH_HEX_DIGITS}}$`).test(hex)) return undefined
  const key = await lookUpButtonKey(hex, where)
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
