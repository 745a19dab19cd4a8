import type {ResponseParameters} from '@grammyjs/types'
import {redact} from '../redact.js'
import {errorMessage} from '../support/error-message.js'

/** Telegram answered `ok: false`: it understood the call and refused it. */
export class TelegramApiError extends Error {
  override readonly name = 'TelegramApiError'
  /** What the operator can do about it, for a second clause after the message; undefined when we know nothing useful. */
  readonly hint: string | undefined

  constructor(
    readonly method: string,
    readonly errorCode: number,
    readonly description: string,
    readonly parameters: ResponseParameters = {},
  ) {
    super(redact(`Call to '${method}' failed (${errorCode}: ${description})`))
    this.hint = hintFor(errorCode, description, parameters)
  }
}

export type NetworkErrorKind = 'timeout' | 'network' | 'server'

/**
 * The call never got a Telegram answer: it timed out (`timeout`), the connection failed (`network`), or something
 * other than Telegram's JSON came back, such as nginx's 502 page (`server`).
 */
export class TelegramNetworkError extends Error {
  override readonly name = 'TelegramNetworkError'
  /** The HTTP status, when an answer did arrive (kind `server`). */
  readonly status: number | undefined

  constructor(
    readonly method: string,
    readonly kind: NetworkErrorKind,
    reason: string,
    options: {cause?: unknown; status?: number} = {},
  ) {
    const cause = scrubError(options.cause)
    super(redact(`Call to '${method}' failed: ${reason}`), cause === undefined ? undefined : {cause})
    this.status = options.status
  }
}

const MARKUP_REFUSED = /can't parse entities/i

/**
 * Telegram's words for markup it cannot read (`400: Bad Request: can't parse entities: …`), from an answer's
 * description or a failure line quoting it (without the line's closing parenthesis); undefined for any other answer.
 * The same words as plain text then go through: send and the deploy notice both fall back on it.
 */
export function markupRefusal(errorCode: number | undefined, text: string): string | undefined {
  if (errorCode !== 400) return undefined
  const at = text.search(MARKUP_REFUSED)
  return at < 0 ? undefined : text.slice(at).replace(/\)$/, '')
}

export function isTelegramApiError(error: unknown): error is TelegramApiError {
  return error instanceof TelegramApiError
}

export function isTelegramNetworkError(error: unknown): error is TelegramNetworkError {
  return error instanceof TelegramNetworkError
}

function hintFor(errorCode: number, description: string, parameters: ResponseParameters): string | undefined {
  switch (errorCode) {
    case 401:
      return 'the bot token is wrong (ask @BotFather)'
    case 403:
      return 'the bot was removed from the chat or blocked'
    case 409:
      return description.includes('webhook')
        ? 'a webhook is set: run `fastpay-tg webhook delete` or use the webhook'
        : 'another process is polling getUpdates with this bot token'
    case 429:
      return parameters.retry_after === undefined
        ? undefined
        : `Telegram asks this bot to wait ${parameters.retry_after} s before sending again`
    case 400:
      if (description.includes('chat not found')) return 'check the chat id, and that the bot was added to the chat'
      return undefined
    default:
      return undefined
  }
}

/**
 * A copy of an underlying error (and its causes) whose texts went through `redact`: network errors can quote the
 * URL, and the URL holds the token.
 */
export function scrubError(error: unknown, depth = 0): Error | undefined {
  if (error === undefined || error === null) return undefined
  if (!(error instanceof Error)) return new Error(redact(String(error)))
  const copy = new Error(redact(error.message), depth < 4 ? {cause: scrubError(error.cause, depth + 1)} : undefined)
  copy.name = error.name
  copy.stack = redact(error.stack ?? `${error.name}: ${error.message}`)
  const code = (error as {code?: unknown}).code
  if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, {code})
  return copy
}

/** The most specific reason inside a fetch failure (`fetch failed` wraps the socket error that says what happened). */
export function describeFetchFailure(error: unknown): string {
  let current: unknown = error
  for (let depth = 0; depth < 5; depth++) {
    const cause = (current as {cause?: unknown} | undefined)?.cause
    if (!(cause instanceof Error)) break
    current = cause
  }
  if (current instanceof AggregateError && current.errors[0] instanceof Error) current = current.errors[0]
  const message = errorMessage(current)
  return redact(message || 'connection failed')
}
