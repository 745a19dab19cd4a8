import type {InlineKeyboardButton, InlineKeyboardMarkup} from '@grammyjs/types'
import {UserError} from '../user-error.js'

/** A button `--button` can describe: it opens a link or sends callback data to the bot. */
export type SimpleButton = InlineKeyboardButton.UrlButton | InlineKeyboardButton.CallbackButton

/** The Bot API allows 1-64 bytes of callback data. */
const CALLBACK_DATA_MAX_BYTES = 64
const CALLBACK_PREFIX = 'callback:'
/** Anything shaped `scheme://` is meant as a link; `ack:42` is callback data. */
const URL_SHAPE = /^[a-z][a-z0-9+.-]*:\/\//i
const URL_PROTOCOLS = new Set(['http:', 'https:', 'tg:'])
/** Spaces around the bar are required, so callback data such as `ack|42` stays whole. */
const ROW_SEPARATOR = /\s+\|\s+/

function checkUrl(url: string, field: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new UserError(`${field}: ${JSON.stringify(url)} is not a valid URL`)
  }
  if (!URL_PROTOCOLS.has(parsed.protocol)) {
    const got = JSON.stringify(url)
    throw new UserError(`${field}: a button URL must start with http://, https:// or tg:// (got ${got})`)
  }
  return url
}

/**
 * Reads one button: `TEXT=https://url` (or `http://`, `tg://`) makes a link button; `TEXT=callback:DATA` or
 * `TEXT=DATA` a callback button. The text ends at the first `=`. `field` names the flag in error messages
 * (default `--button`).
 */
export function parseButton(spec: string, field = '--button'): SimpleButton {
  const equals = spec.indexOf('=')
  if (equals < 0) {
    throw new UserError(`${field}: expected TEXT=URL or TEXT=CALLBACK_DATA (got ${JSON.stringify(spec)})`)
  }
  const text = spec.slice(0, equals).trim()
  const target = spec.slice(equals + 1).trim()
  if (text === '') throw new UserError(`${field}: the button text before "=" is empty (got ${JSON.stringify(spec)})`)
  if (target === '') {
    throw new UserError(`${field}: expected a URL or callback data after "=" (got ${JSON.stringify(spec)})`)
  }
  if (URL_SHAPE.test(target)) return {text, url: checkUrl(target, field)}
  const data = target.startsWith(CALLBACK_PREFIX) ? target.slice(CALLBACK_PREFIX.length) : target
  const bytes = Buffer.byteLength(data, 'utf8')
  if (bytes === 0 || bytes > CALLBACK_DATA_MAX_BYTES) {
    throw new UserError(`${field}: callback data must be 1-${CALLBACK_DATA_MAX_BYTES} bytes of UTF-8, ` +
      `got ${bytes} (in ${JSON.stringify(spec)})`)
  }
  return {text, callback_data: data}
}

/** Reads one flag value as one row: buttons joined with ` | ` sit side by side. */
export function parseButtonRow(value: string, field = '--button'): SimpleButton[] {
  return value.trim().split(ROW_SEPARATOR).map((spec) => parseButton(spec, field))
}

/**
 * Builds an inline keyboard from repeated `--button` values, one row per value. With no values the keyboard is
 * empty: leave `reply_markup` out instead of sending it.
 */
export function buildInlineKeyboard(values: readonly string[], field = '--button'): InlineKeyboardMarkup {
  return {inline_keyboard: values.map((value) => parseButtonRow(value, field))}
}
