// The buttons an alert can carry (`alert --buttons ack,mute`) and what their callback data means.
//
// Callback data holds 64 bytes at most. `ack:<key>` and `mute:<key>:<seconds>` carry the alert's throttle key as
// is when the longest form (`mute:<key>:604800`) fits; otherwise they carry `#` and 40 hex digits of the key's
// sha256, and `prepareAlertButtons` writes the key to `<state dir>/button-keys/<hex>.key`, where `webhook serve`
// (on the same machine, with the same state dir, like the throttle itself) looks it up. A key starting with `#` is
// always hashed, so the two forms never clash.
import {createHash} from 'node:crypto'
import {mkdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'

import type {InlineKeyboardButton, InlineKeyboardMarkup} from '@grammyjs/types'

import {writeFileAtomic} from '../config/atomic-write.js'
import {UserError} from '../user-error.js'
import {shortDuration} from './time-text.js'

const CALLBACK_DATA_MAX_BYTES = 64
/** @default mute length of the `Mute 1h` button */
export const DEFAULT_MUTE_SECONDS = 3600
/** The longest mute a button may ask for: 7 days. */
export const MAX_MUTE_SECONDS = 7 * 86_400
const HASH_PREFIX = '#'
const HASH_HEX_DIGITS = 40

export type AlertButtonAction = {kind: 'ack'; ref: string} | {kind: 'mute'; ref: string; seconds: number}

const hashHex = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex').slice(0, HASH_HEX_DIGITS)

/** What the callback data carries for `throttleKey`: the key itself when it fits, else `#<40 hex digits>`. */
export function keyRef(throttleKey: string): string {
  if (throttleKey === '') throw new RangeError('alert buttons need a non-empty throttle key')
  const longest = `mute:${throttleKey}:${MAX_MUTE_SECONDS}`
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
 * One row with `Acknowledge` and `Mute 1h`, bound to the alert's throttle key. When the key is too long for callback
 * data (see `keyRef`), use `prepareAlertButtons`, which also records the key for `webhook serve`.
 */
export function alertButtons(throttleKey: string, options: AlertButtonsOptions = {}): InlineKeyboardMarkup {
  const muteSeconds = options.muteSeconds ?? DEFAULT_MUTE_SECONDS
  if (!Number.isSafeInteger(muteSeconds) || muteSeconds < 60 || muteSeconds > MAX_MUTE_SECONDS) {
    throw new RangeError(`muteSeconds must be an integer from 60 to ${MAX_MUTE_SECONDS} (got ${muteSeconds})`)
  }
  const ref = keyRef(throttleKey)
  const row: InlineKeyboardButton.CallbackButton[] = (options.buttons ?? ['ack', 'mute']).map((button) =>
    button === 'ack'
      ? {text: 'Acknowledge', callback_data: `ack:${ref}`}
      : {text: `Mute ${shortDuration(muteSeconds)}`, callback_data: `mute:${ref}:${muteSeconds}`},
  )
  return {inline_keyboard: [row]}
}

/** The button-key map's directory inside a state dir (`~/.local/state/fastpay-tg/button-keys`). */
export const buttonKeysDirIn = (stateDir: string) => join(stateDir, 'button-keys')

/** `alertButtons`, plus the key recorded under `stateDir` when the buttons carry its hash. */
export async function prepareAlertButtons(
  throttleKey: string,
  stateDir: string,
  options: AlertButtonsOptions = {},
): Promise<InlineKeyboardMarkup> {
  const markup = alertButtons(throttleKey, options)
  const ref = keyRef(throttleKey)
  if (ref.startsWith(HASH_PREFIX)) {
    const dir = buttonKeysDirIn(stateDir)
    await mkdir(dir, {recursive: true, mode: 0o700})
    await writeFileAtomic(join(dir, `${ref.slice(1)}.key`), throttleKey, 0o600)
  }
  return markup
}

/** The throttle key behind a ref, or undefined when its map entry is missing (another machine, a wiped state dir). */
export async function resolveKeyRef(ref: string, stateDir: string): Promise<string | undefined> {
  if (!ref.startsWith(HASH_PREFIX)) return ref
  const hex = ref.slice(1)
  if (!new RegExp(`^[0-9a-f]{${HASH_HEX_DIGITS}}$`).test(hex)) return undefined
  const key = await readFile(join(buttonKeysDirIn(stateDir), `${hex}.key`), 'utf8').catch(() => undefined)
  return key !== undefined && hashHex(key) === hex ? key : undefined
}

/** Reads `ack:<ref>` or `mute:<ref>:<seconds>`; undefined for any other callback data (e.g. `send --button`'s). */
export function parseAlertButton(data: string): AlertButtonAction | undefined {
  if (data.startsWith('ack:') && data.length > 'ack:'.length) return {kind: 'ack', ref: data.slice('ack:'.length)}
  const mute = /^mute:(.+):(\d{1,7})$/.exec(data)
  if (!mute) return undefined
  const seconds = Number(mute[2])
  if (seconds < 60 || seconds > MAX_MUTE_SECONDS) return undefined
  return {kind: 'mute', ref: mute[1]!, seconds}
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
