import {errorMessage} from '../support/error-message.js'
import {TelegramApiError} from './errors.js'

/**
 * Where a bot's flood wait outlives the process that was told it: the store's key-value part (files in the state dir,
 * or Redis for a fleet), under a key made from a hash of the token (`src/store/flood-waits.ts`).
 */
export interface FloodWaitRecord {
  /** Epoch ms before which the bot must not send, or undefined when nothing is kept. */
  read(): Promise<number | undefined>
  /** Keeps `notBeforeMs`, forgotten after `ttlMs` (the wait itself). */
  write(notBeforeMs: number, ttlMs: number): Promise<void>
}

export interface FloodWaitOptions {
  /** @default Date.now (see floodWaitClockFromEnv) */
  now?: () => number
  /** Told when the record cannot be read or written: the bot then sends as if nothing were kept. @default nothing */
  onProblem?: (line: string) => void
}

// A 429 on these is about the bot sending too much; a status call (getMe, getWebhookInfo) is neither held nor kept.
const SENDING_METHOD = /^(send|copy|forward|edit)/

/**
 * Telegram's "not before" for one bot, across processes: a 429 the client did not wait out (its `retry_after` beyond
 * the bound, or too many in a row) is written to the record; every later sending call of any process that opens the
 * bot with the same record throws FloodWaitError until then, without calling Telegram. The record is read once per
 * gate (one small read per run and bot), on its first sending call, so a run that sends nothing never reads it.
 */
export class FloodWaitGate {
  readonly #source: () => Promise<FloodWaitRecord | undefined>
  readonly #now: () => number
  readonly #onProblem: (line: string) => void
  #record: Promise<FloodWaitRecord | undefined> | undefined
  #notBefore: Promise<number | undefined> | undefined

  /** `source` is asked once, when first needed: a door may open its store after the bot. */
  constructor(source: () => Promise<FloodWaitRecord | undefined> | FloodWaitRecord | undefined, options: FloodWaitOptions = {}) {
    this.#source = async () => source()
    this.#now = options.now ?? Date.now
    this.#onProblem = options.onProblem ?? (() => {})
  }

  /** Throws FloodWaitError when `method` sends and the bot must wait. */
  async check(method: string): Promise<void> {
    if (!SENDING_METHOD.test(method)) return
    this.#notBefore ??= this.#read()
    const notBefore = await this.#notBefore
    if (notBefore !== undefined && notBefore > this.#now()) throw new FloodWaitError(method, notBefore, this.#now())
  }

  /** Keeps the wait of a 429 that a sending call ended with, for this gate and the record. */
  async noteFailure(method: string, error: unknown): Promise<void> {
    if (!(error instanceof TelegramApiError) || error instanceof FloodWaitError || error.errorCode !== 429) return
    const retryAfterSeconds = error.parameters.retry_after
    if (retryAfterSeconds === undefined || retryAfterSeconds <= 0 || !SENDING_METHOD.test(method)) return
    const waitMs = retryAfterSeconds * 1000
    const notBefore = this.#now() + waitMs
    const known = this.#notBefore === undefined ? undefined : await this.#notBefore
    if (known !== undefined && known >= notBefore) return
    this.#notBefore = Promise.resolve(notBefore)
    try {
      await (await this.#recordOnce())?.write(notBefore, waitMs)
    } catch (problem) {
      this.#onProblem(`could not keep the flood wait: ${errorMessage(problem)}`)
    }
  }

  async #read(): Promise<number | undefined> {
    try {
      return await (await this.#recordOnce())?.read()
    } catch (problem) {
      this.#onProblem(`could not read the flood wait: ${errorMessage(problem)}`)
      return undefined
    }
  }

  #recordOnce(): Promise<FloodWaitRecord | undefined> {
    this.#record ??= this.#source()
    return this.#record
  }
}

/**
 * A sending call not made: Telegram asked this bot (in this process or an earlier one) to wait. A 429 to everything
 * that reads error codes (`failureKind`: later), so alerts spool, flushes leave entries waiting and `send` fails as
 * on Telegram's own 429; its message says until when, in UTC.
 */
export class FloodWaitError extends TelegramApiError {
  override readonly hint: string | undefined = undefined
  readonly notBefore: Date

  constructor(method: string, notBeforeMs: number, nowMs: number) {
    const retryAfterSeconds = Math.max(1, Math.ceil((notBeforeMs - nowMs) / 1000))
    super(method, 429, `Too Many Requests: retry after ${retryAfterSeconds}`, {retry_after: retryAfterSeconds})
    this.notBefore = new Date(notBeforeMs)
    this.message = `Call to '${method}' not made: Telegram asked this bot to wait until ${utcText(this.notBefore)}`
  }
}

/** `2025-06-01 12:02:00 UTC`: read at a glance, and plainly UTC. */
export const utcText = (date: Date) => `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`

/**
 * For test suites only: `FASTPAY_TG_FLOOD_WAIT_AHEAD_MS` runs the flood wait's clock that many milliseconds ahead, so
 * that a spawned CLI finds a kept wait over without a test waiting for it. Anything but a whole number is ignored.
 */
export function floodWaitClockFromEnv(env: Record<string, string | undefined>): () => number {
  const text = env.FASTPAY_TG_FLOOD_WAIT_AHEAD_MS
  if (text === undefined || !/^\d+$/.test(text)) return Date.now
  const aheadMs = Number(text)
  return () => Date.now() + aheadMs
}
