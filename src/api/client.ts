import type {ApiMethods, Opts} from '@grammyjs/types'
import {redact, registerToken} from '../redact.js'
import {UserError} from '../user-error.js'
import {connectionFailure, readAnswer} from './answer.js'
import {apiRootFromEnv, checkedApiRoot} from './api-root.js'
import {isRequestTimeout} from './request-timeout.js'
import {TelegramApiError, TelegramNetworkError} from './errors.js'
import type {FloodWaitGate} from './flood-wait.js'
import {hasFileSource, type InputFileSource, stageFiles} from './input-file.js'
import {buildRequestBody} from './request-body.js'
import {backoffFromEnv, type RetryOptions, withRetries} from './retry.js'
import type {Transport} from './transport.js'

type Methods = ApiMethods<InputFileSource>
/** The parameters of a Bot API method, with files given as InputFileSource. */
export type MethodParams<M extends keyof Methods> = Opts<InputFileSource>[M]
/** What a Bot API method returns on success. */
export type MethodResult<M extends keyof Methods> = ReturnType<Methods[M]>

export interface BotApiClientOptions {
  token: string
  /** Doors pass `apiRootFromEnv(env).value`. @default process.env.TELEGRAM_API_BASE_URL, else 'https://api.telegram.org' */
  apiRoot?: string
  /** Per attempt; getUpdates adds its long-poll `timeout` to it. @default 30000 */
  timeoutMs?: number
  /** @default see RetryOptions */
  retry?: RetryOptions
  /**
   * Makes each attempt's deadline from `timeoutMs`. Tests pass their own, so that a deadline passes when they say and
   * never because the machine is slow. @default the transport's own timer (`timeoutMs` of FetchInit): no AbortSignal
   * a call, which costs a busy `webhook serve` more than the rest of sending a reply
   */
  timeoutSignal?: (timeoutMs: number) => AbortSignal
  /** Receives one line per attempt and retry (method, attempt, status, elapsed ms), already redacted. */
  debug?: (line: string) => void
  /**
   * Told when Telegram says a group became a supergroup; the call is then re-sent once to `toChatId`.
   * @default nothing is told, the call is still re-sent
   */
  onMigrate?: (fromChatId: number | string, toChatId: number, method: string) => void | Promise<void>
  /** @default built from the environment's proxy variables (see createTransport) */
  transport?: Transport | Promise<Transport>
  /**
   * Cancels every call of this client, as each call's own `signal` does: a deadline for a whole run. Backoff sleeps
   * end early too. @default none
   */
  signal?: AbortSignal
  /**
   * Told how each call ended, once, after its retries (and its resend to a migrated chat): `error` is what the call
   * throws, or undefined when it succeeded. Usage stats count messages here. @default nothing is told
   */
  onResult?: (method: string, error?: unknown) => void
  /**
   * Keeps a 429 the client did not wait out beyond this process, and holds back sending calls until then (they throw
   * FloodWaitError without calling Telegram). @default none: such a 429 ends its own call only
   */
  floodWait?: FloodWaitGate
}

export interface CallOptions {
  /** Cancels the call: the attempt in flight is aborted and no further attempt starts. The abort reason is thrown. */
  signal?: AbortSignal
}

/** Telegram Bot API calls with one retry policy, timeouts, redacted errors and group-migration handling. */
export class BotApiClient {
  readonly #methodUrl: (method: string) => string
  readonly #timeoutMs: number
  readonly #timeoutSignal: ((timeoutMs: number) => AbortSignal) | undefined
  readonly #retry: RetryOptions
  readonly #debug: ((line: string) => void) | undefined
  readonly #onMigrate: BotApiClientOptions['onMigrate']
  readonly #signal: AbortSignal | undefined
  readonly #onResult: BotApiClientOptions['onResult']
  readonly #floodWait: FloodWaitGate | undefined
  #transport: Promise<Transport> | undefined

  constructor(options: BotApiClientOptions) {
    registerToken(options.token)
    const apiRoot = options.apiRoot === undefined ? apiRootFromEnv(process.env).value : checkedApiRoot(options.apiRoot, 'apiRoot')
    const token = options.token
    // The only place the token goes: everything else names the method, never the URL.
    this.#methodUrl = (method) => `${apiRoot}/bot${token}/${method}`
    this.#timeoutMs = checkedTimeoutMs(options.timeoutMs ?? 30_000)
    this.#timeoutSignal = options.timeoutSignal
    this.#retry = {...backoffFromEnv(process.env), ...options.retry}
    this.#debug = options.debug
    this.#onMigrate = options.onMigrate
    this.#signal = options.signal
    this.#onResult = options.onResult
    this.#floodWait = options.floodWait
    this.#transport = options.transport === undefined ? undefined : Promise.resolve(options.transport)
  }

  /** Calls any Bot API method. Parameters that are undefined are left out. */
  async call<M extends keyof Methods>(method: M, params?: MethodParams<M>, options: CallOptions = {}): Promise<MethodResult<M>> {
    if (this.#onResult === undefined) return this.#call(method, params, options)
    try {
      const result = await this.#call(method, params, options)
      this.#onResult(method)
      return result
    } catch (error) {
      this.#onResult(method, error)
      throw error
    }
  }

  async #call<M extends keyof Methods>(method: M, params: MethodParams<M> | undefined, options: CallOptions): Promise<MethodResult<M>> {
    const defined = Object.fromEntries(Object.entries(params ?? {}).filter(([, value]) => value !== undefined))
    // Most calls carry no file: they skip staging and its cleanup (two awaits a call, in a busy `webhook serve`).
    if (!hasFileSource(defined)) return (await this.#callMigrating(method, defined, options.signal)) as MethodResult<M>
    const staged = await stageFiles(defined)
    try {
      return (await this.#callMigrating(method, staged.params, options.signal)) as MethodResult<M>
    } finally {
      await staged.cleanup()
    }
  }

  /** The call with its retries; re-sent once to the new chat when Telegram says a group became a supergroup. */
  async #callMigrating(method: string, params: Record<string, unknown>, signal: AbortSignal | undefined): Promise<unknown> {
    try {
      return await this.#callWithRetries(method, params, signal)
    } catch (error) {
      const toChatId = migrationTarget(error, params)
      if (toChatId === undefined) throw error
      const fromChatId = params.chat_id as number | string
      this.#log(`${method}: chat ${String(fromChatId)} was upgraded to ${toChatId}; sending there`)
      await this.#onMigrate?.(fromChatId, toChatId, method)
      return this.#callWithRetries(method, {...params, chat_id: toChatId}, signal)
    }
  }

  getMe() {
    return this.call('getMe')
  }

  getChat(params: MethodParams<'getChat'>) {
    return this.call('getChat', params)
  }

  getUpdates(params?: MethodParams<'getUpdates'>, options?: CallOptions) {
    return this.call('getUpdates', params, options)
  }

  sendMessage(params: MethodParams<'sendMessage'>) {
    return this.call('sendMessage', params)
  }

  sendPhoto(params: MethodParams<'sendPhoto'>) {
    return this.call('sendPhoto', params)
  }

  sendDocument(params: MethodParams<'sendDocument'>) {
    return this.call('sendDocument', params)
  }

  editMessageText(params: MethodParams<'editMessageText'>) {
    return this.call('editMessageText', params)
  }

  answerCallbackQuery(params: MethodParams<'answerCallbackQuery'>) {
    return this.call('answerCallbackQuery', params)
  }

  setWebhook(params: MethodParams<'setWebhook'>) {
    return this.call('setWebhook', params)
  }

  deleteWebhook(params?: MethodParams<'deleteWebhook'>) {
    return this.call('deleteWebhook', params)
  }

  getWebhookInfo() {
    return this.call('getWebhookInfo')
  }

  async #callWithRetries(method: string, params: Record<string, unknown>, callSignal: AbortSignal | undefined): Promise<unknown> {
    if (this.#floodWait === undefined) return this.#retried(method, params, callSignal)
    await this.#floodWait.check(method)
    try {
      return await this.#retried(method, params, callSignal)
    } catch (error) {
      await this.#floodWait.noteFailure(method, error)
      throw error
    }
  }

  #retried(method: string, params: Record<string, unknown>, callSignal: AbortSignal | undefined): Promise<unknown> {
    const signals = [this.#signal, callSignal].filter((signal) => signal !== undefined)
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0]
    const attempt = (attemptNumber: number) => this.#attempt(method, params, attemptNumber, signal)
    const retry = signal ? {...this.#retry, sleep: abortableSleep(this.#retry.sleep, signal)} : this.#retry
    return withRetries(attempt, retry, {method, debug: this.#debug && ((line) => this.#log(line))})
  }

  async #attempt(method: string, params: Record<string, unknown>, attemptNumber: number, callerSignal?: AbortSignal) {
    callerSignal?.throwIfAborted()
    // Loaded on the first call: node:http, node:https and node:tls cost a process that decides not to call.
    this.#transport ??= import('./transport.js').then(({createTransport}) => createTransport())
    const transport = await this.#transport
    const longPollMs = method === 'getUpdates' ? Math.max(0, Number(params.timeout) || 0) * 1000 : 0
    const timeoutMs = this.#timeoutMs + longPollMs
    // An injected deadline is a signal; by default the transport times the request itself (see timeoutSignal).
    const timeout = this.#timeoutSignal?.(timeoutMs)
    const signals = [timeout, callerSignal].filter((signal) => signal !== undefined)
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0]
    const started = monotonicMs()
    const elapsed = () => Math.round(monotonicMs() - started)
    let status: number
    let statusText: string
    let text: string
    const url = this.#methodUrl(method)
    const proxy = transport.proxyFor?.(url)
    const viaProxy = proxy === undefined ? '' : ` (via proxy ${proxy})`
    try {
      const {body, headers} = await buildRequestBody(params, () => transport.createFormData())
      const response = await transport.fetch(url, {method: 'POST', headers, body, signal, ...(timeout === undefined ? {timeoutMs} : {})})
      status = response.status
      statusText = response.statusText
      text = await response.text()
    } catch (error) {
      if (callerSignal?.aborted) throw callerSignal.reason
      const timedOut = timeout === undefined ? isRequestTimeout(error) : timeout.aborted
      const failure = timedOut
        ? new TelegramNetworkError(method, 'timeout', `request timed out after ${timeoutMs} ms${viaProxy}`, {cause: error})
        : connectionFailure(method, error, viaProxy)
      this.#log(`${method} attempt ${attemptNumber}: ${failure.kind} error after ${elapsed()} ms`)
      throw failure
    }
    if (this.#debug) this.#log(`${method} attempt ${attemptNumber}: ${status} in ${elapsed()} ms${proxy ? ' (via proxy)' : ''}`)
    return readAnswer(method, status, statusText, text, proxy)
  }

  #log(line: string): void {
    this.#debug?.(redact(line))
  }
}

/** A backoff sleep that ends, throwing the abort reason, as soon as `signal` aborts. */
function abortableSleep(sleep: ((ms: number) => Promise<void>) | undefined, signal: AbortSignal): (ms: number) => Promise<void> {
  return (ms) => {
    signal.throwIfAborted()
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      const onAbort = () => {
        clearTimeout(timer)
        reject(signal.reason)
      }
      const done = () => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      }
      signal.addEventListener('abort', onAbort, {once: true})
      if (sleep) sleep(ms).then(done, (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      })
      else timer = setTimeout(done, ms)
    })
  }
}

/** Node's timers hold at most 2^31-1 ms (24.8 days); beyond, they fire at once or throw a RangeError. */
const MAX_TIMEOUT_MS = 2_147_483_647

function checkedTimeoutMs(timeoutMs: number): number {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    const seconds = Number.isFinite(timeoutMs) ? `${timeoutMs / 1000} s` : String(timeoutMs)
    throw new UserError(`the request timeout must be between 1 ms and 24 days, got ${seconds}`)
  }
  return Math.round(timeoutMs)
}

/** The new chat id when Telegram refused because the group became a supergroup, and the call names a chat. */
function migrationTarget(error: unknown, params: Record<string, unknown>): number | undefined {
  if (!(error instanceof TelegramApiError) || params.chat_id === undefined) return undefined
  return error.parameters.migrate_to_chat_id
}

/**
 * A monotonic clock in milliseconds, as `performance.now()` counts them: the global `performance` loads perf_hooks and
 * its timing modules on first use, about 4 M instructions of every run that calls the Bot API.
 */
const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6
