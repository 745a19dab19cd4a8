import {redact} from '../redact.js'
import {TelegramApiError, TelegramNetworkError} from './errors.js'
import {errorMessage} from '../support/error-message.js'

export interface RetryOptions {
  /** Retries after a network error, a timeout or a 5xx answer. @default 3 */
  maxRetries?: number
  /** First backoff delay; it doubles on each retry. @default 500 */
  baseDelayMs?: number
  /** Cap on one backoff delay. @default 8000 */
  maxDelayMs?: number
  /** A 429 asking to wait longer than this is thrown instead of waited out (alerts spool it). @default 60 */
  maxRetryAfterSeconds?: number
  /** Retries after 429 answers, counted apart from `maxRetries` so that a busy chat cannot loop forever. @default 5 */
  maxRateLimitRetries?: number
  /** @default setTimeout-based */
  sleep?: (ms: number) => Promise<void>
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number
}

export interface RetryContext {
  method: string
  debug?: (line: string) => void
}

type Decision = {retry: false} | {retry: true; delayMs: number; rateLimited: boolean}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * For test suites only: `FASTPAY_TG_RETRY_BASE_MS` replaces the first backoff delay (0 retries at once), so that
 * tests of a spawned CLI or Action go through every retry without waiting out real backoff. The number of retries
 * and 429's `retry_after` stay as they are. Anything but a whole number of milliseconds is ignored.
 */
export function backoffFromEnv(env: Record<string, string | undefined>): Pick<RetryOptions, 'baseDelayMs'> {
  const text = env.FASTPAY_TG_RETRY_BASE_MS
  return text !== undefined && /^\d+$/.test(text) ? {baseDelayMs: Number(text)} : {}
}

/**
 * Runs `attempt` until it succeeds or the policy gives up: network errors, timeouts and 5xx get bounded retries
 * with capped, jittered exponential backoff; 429 waits `retry_after`; every other refusal is thrown at once.
 */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: RetryOptions,
  context: RetryContext,
): Promise<T> {
  const sleep = options.sleep ?? realSleep
  let failures = 0
  let rateLimits = 0
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber)
    } catch (error) {
      const decision = decide(error, options, failures, rateLimits)
      if (!decision.retry) throw error
      if (decision.rateLimited) rateLimits++
      else failures++
      const reason = errorMessage(error)
      context.debug?.(redact(`${context.method}: retrying in ${decision.delayMs} ms after: ${reason}`))
      await sleep(decision.delayMs)
    }
  }
}

function decide(error: unknown, options: RetryOptions, failures: number, rateLimits: number): Decision {
  if (error instanceof TelegramApiError) {
    if (error.errorCode === 429) return decideRateLimit(error, options, failures, rateLimits)
    if (error.errorCode >= 500) return decideBackoff(options, failures)
    return {retry: false}
  }
  if (error instanceof TelegramNetworkError) {
    // A non-JSON 4xx (a proxy refusing us, say) will not get better by asking again.
    if (error.kind === 'server' && (error.status ?? 500) < 500) return {retry: false}
    return decideBackoff(options, failures)
  }
  return {retry: false}
}

function decideRateLimit(error: TelegramApiError, options: RetryOptions, failures: number, rateLimits: number): Decision {
  const retryAfter = error.parameters.retry_after
  if (retryAfter === undefined) return decideBackoff(options, failures)
  if (retryAfter > (options.maxRetryAfterSeconds ?? 60)) return {retry: false}
  if (rateLimits >= (options.maxRateLimitRetries ?? 5)) return {retry: false}
  return {retry: true, delayMs: retryAfter * 1000, rateLimited: true}
}

function decideBackoff(options: RetryOptions, failures: number): Decision {
  if (failures >= (options.maxRetries ?? 3)) return {retry: false}
  return {retry: true, delayMs: backoffDelayMs(failures + 1, options), rateLimited: false}
}

/** Exponential backoff with "equal jitter": between half and all of the capped delay, never zero. */
export function backoffDelayMs(retryNumber: number, options: RetryOptions = {}): number {
  const base = options.baseDelayMs ?? 500
  const cap = options.maxDelayMs ?? 8000
  const delay = Math.min(cap, base * 2 ** (retryNumber - 1))
  const random = options.random ?? Math.random
  return Math.round(delay / 2 + (random() * delay) / 2)
}
