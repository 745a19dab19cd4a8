// What a Bot API call's answer (or failure to get one) means: a result, Telegram's refusal, or a network failure.
import type {ApiResponse} from '@grammyjs/types'
import {describeFetchFailure, TelegramApiError, TelegramNetworkError} from './errors.js'
import {ProxyRefusedError, proxyRefusal} from './proxy-errors.js'

/** `proxy` (shown without credentials) is named in failures that may be the proxy's own answer (a 403 page, a 502). */
export function readAnswer(method: string, status: number, statusText: string, text: string, proxy: string | undefined): unknown {
  const viaProxy = proxy === undefined ? '' : ` (via proxy ${proxy})`
  // Only a proxy answers 407 (a forwarded http:// request; the CONNECT form fails in the tunnel): said as its refusal.
  if (status === 407 && proxy !== undefined) {
    const refusal = proxyRefusal(proxy, 'request', status, statusText || 'Proxy Authentication Required')
    throw new TelegramNetworkError(method, 'server', refusal, {status})
  }
  let answer: ApiResponse<unknown> | undefined
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed === 'object' && parsed !== null && 'ok' in parsed) answer = parsed as ApiResponse<unknown>
  } catch {
    // Not JSON: nginx's error pages, a proxy's refusal.
  }
  if (status >= 500) {
    const reason = answer !== undefined && !answer.ok && answer.description ? answer.description : statusText
    throw new TelegramNetworkError(method, 'server', `server answered ${`${status} ${reason}`.trim()}${viaProxy}`, {status})
  }
  if (answer === undefined) {
    throw new TelegramNetworkError(method, 'server', `server answered ${status} ${statusText} without Telegram's JSON${viaProxy}`, {
      status,
    })
  }
  if (answer.ok) return checkedResult(method, answer.result, viaProxy)
  throw new TelegramApiError(method, answer.error_code ?? status, answer.description ?? statusText, answer.parameters)
}

/**
 * Telegram never answers `ok: true` without a result, and sends' results are Messages: anything else is not the Bot
 * API (a captive portal, a stub), and its failure is told here rather than as a TypeError in the caller. Status 200
 * keeps it from being retried: the call may have been carried out.
 */
const RETURNS_A_MESSAGE = new Set(['sendMessage', 'sendPhoto', 'sendDocument', 'sendVideo', 'sendAudio', 'sendAnimation', 'sendVoice', 'sendSticker', 'forwardMessage', 'copyMessage'])

function checkedResult(method: string, result: unknown, viaProxy: string): unknown {
  const expectsMessage = RETURNS_A_MESSAGE.has(method)
  const missing = result === undefined || result === null
  const notAMessage = expectsMessage && typeof (result as {message_id?: unknown} | null)?.message_id !== 'number'
  if (missing || notAMessage) {
    const what = missing ? 'without a result' : 'a result that is not a message'
    throw new TelegramNetworkError(method, 'server', `server answered ok with ${what}: not the Telegram Bot API?${viaProxy}`, {status: 200})
  }
  return result
}

/**
 * A proxy refusing the tunnel answered like a server (its status decides whether a retry can help: 403 and 407 will
 * not get better, 502 may); anything else is a network failure, with the proxy named once.
 */
export function connectionFailure(method: string, error: unknown, viaProxy: string): TelegramNetworkError {
  const refusal = causeOfType(error, ProxyRefusedError)
  if (refusal !== undefined) return new TelegramNetworkError(method, 'server', refusal.message, {cause: error, status: refusal.status})
  const reason = describeFetchFailure(error)
  return new TelegramNetworkError(method, 'network', reason.includes('proxy ') ? reason : `${reason}${viaProxy}`, {cause: error})
}

function causeOfType<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== undefined; depth++) {
    if (current instanceof type) return current
    current = (current as {cause?: unknown} | null)?.cause
  }
  return undefined
}
