// A stand-in for api.telegram.org on 127.0.0.1: Telegram's wire format, result shapes and error texts, plus
// injectable faults. Plain node:http and no test-framework imports, so scripts and benchmarks can run it too.
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import type {Message} from '@grammyjs/types'
import {FakeApiError, Params} from './api-error.js'
import {parseBody} from './body.js'
import {DEFAULT_DESCRIPTIONS, FaultQueue, nginxErrorPage} from './faults.js'
import {DescribedResult} from './method-context.js'
import {findMethod} from './methods.js'
import {RateLimiter} from './rate-limiter.js'
import {FakeState, type UpdateInput} from './state.js'
import type {FailNextOptions, FakeBot, FakeBotApiOptions, FakeChat, FaultKind, RecordedRequest} from './types.js'

export type * from './types.js'
export type {UpdateInput} from './state.js'
export {parseTelegramHtml} from './html-check.js'

export interface FakeBotApi {
  /** The API root to give a client, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  readonly url: string
  /** Every request received, in order, including those answered by faults. Cleared by `reset()`. */
  readonly requests: RecordedRequest[]
  addBot(bot: FakeBot): void
  addChat(chat: FakeChat): void
  /** Upgrades group `oldId` to supergroup `newId`: calls naming `oldId` then fail with `migrate_to_chat_id`. */
  migrateChat(oldId: number, newId: number): void
  /** Queues an update for getUpdates; returns its update_id (assigned when not given). @default the first bot */
  pushUpdate(update: UpdateInput, token?: string): number
  /** Answers the next matching request(s) with a fault instead of the real method. */
  failNext(options: FailNextOptions): void
  /** Makes getWebhookInfo report a failed delivery, as Telegram does when the webhook answers badly. */
  setWebhookError(message: string, token?: string): void
  /** Messages the bots sent to a chat, oldest first, as currently stored (after edits). */
  messages(chatId: number): Message[]
  /** Forgets requests, pending faults, rate counters, update queues and webhooks; keeps bots, chats, messages. */
  reset(): void
  /** Stops listening and destroys every open connection, including hanging ones. */
  close(): Promise<void>
}

type JsonBody = Record<string, unknown>

const notFound = () => new FakeApiError(404, 'Not Found')

export async function startFakeBotApi(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
  const now = options.now ?? Date.now
  const state = new FakeState(now)
  const faults = new FaultQueue()
  const limiter = new RateLimiter(options.limits ?? {}, now)
  const strictAmpersand = options.strictAmpersand ?? true
  const requests: RecordedRequest[] = []
  const timers = new Set<NodeJS.Timeout>()
  const coldConnectionDelayMs = options.coldConnectionDelayMs ?? 0
  const warmSockets = new WeakSet<object>()
  for (const bot of options.bots ?? []) state.addBot(bot)
  for (const chat of options.chats ?? []) state.addChat(chat)

  const sendJson = (response: ServerResponse, record: RecordedRequest | undefined, status: number, body: JsonBody) => {
    if (response.destroyed) return
    if (record) record.status = status
    const text = JSON.stringify(body)
    response.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text)})
    response.end(text)
  }

  const sendError = (response: ServerResponse, record: RecordedRequest | undefined, error: FakeApiError) => {
    const body: JsonBody = {ok: false, error_code: error.errorCode, description: error.description}
    if (error.parameters !== undefined) body.parameters = error.parameters
    sendJson(response, record, error.errorCode, body)
  }

  /** Returns true when the fault answered (or swallowed) the request. */
  const applyFault = (fault: FaultKind, response: ServerResponse, record: RecordedRequest): boolean => {
    record.fault = fault
    if ('hang' in fault) return true
    if ('destroy' in fault) {
      response.socket?.destroy()
      return true
    }
    if ('delayMs' in fault || 'withoutFileIds' in fault || 'gate' in fault) return false
    if (fault.status === 429) {
      const description = `Too Many Requests: retry after ${fault.retryAfter}`
      sendError(response, record, new FakeApiError(429, description, {retry_after: fault.retryAfter}))
    } else if (fault.status === 502 || fault.status === 503) {
      const page = nginxErrorPage(fault.status)
      record.status = fault.status
      response.writeHead(fault.status, {'content-type': 'text/html', 'content-length': Buffer.byteLength(page)})
      response.end(page)
    } else {
      const description = fault.description ?? DEFAULT_DESCRIPTIONS[fault.status] ?? 'Error'
      const parameters = 'parameters' in fault ? fault.parameters : undefined
      sendError(response, record, new FakeApiError(fault.status, description, parameters))
    }
    return true
  }

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const route = /^\/bot([^/]+)\/([^/]+)\/?$/.exec(url.pathname)
    if (route === null) {
      request.resume()
      return sendError(response, undefined, notFound())
    }
    const [, token = '', method = ''] = route
    if (coldConnectionDelayMs > 0 && !warmSockets.has(request.socket)) {
      warmSockets.add(request.socket)
      await delay(coldConnectionDelayMs)
    }
    let body: Awaited<ReturnType<typeof parseBody>>
    try {
      body = await parseBody(request, url)
    } catch (error) {
      if (error instanceof FakeApiError) return sendError(response, undefined, error)
      throw error
    }
    const record: RecordedRequest = {
      method,
      token,
      httpMethod: request.method ?? 'GET',
      encoding: body.encoding,
      params: body.params,
      files: body.files,
      time: now(),
    }
    requests.push(record)

    let fault = faults.take(method)
    if (fault !== undefined && 'gate' in fault) {
      record.fault = fault
      await fault.gate.catch(() => undefined)
      fault = fault.then
    }
    if (fault !== undefined && applyFault(fault, response, record)) return
    if (fault !== undefined && 'delayMs' in fault) await delay(fault.delayMs)

    const bot = state.bots.get(token)
    if (bot === undefined) return sendError(response, record, new FakeApiError(401, 'Unauthorized'))
    const handler = findMethod(method)
    if (handler === undefined) return sendError(response, record, notFound())

    const hangUp = new AbortController()
    response.on('close', () => hangUp.abort())
    const context = {state, bot, params: new Params(body.params), files: body.files, limiter, strictAmpersand}
    let outcome: unknown
    try {
      outcome = await handler({...context, signal: hangUp.signal})
    } catch (error) {
      if (error instanceof FakeApiError) return sendError(response, record, error)
      throw error
    }
    if (fault !== undefined && 'withoutFileIds' in fault && !(outcome instanceof DescribedResult)) outcome = withoutFileIds(outcome)
    if (outcome instanceof DescribedResult) {
      return sendJson(response, record, 200, {ok: true, result: outcome.result, description: outcome.description})
    }
    sendJson(response, record, 200, {ok: true, result: outcome})
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // A bug in the fake itself: answer loudly rather than hang the test.
      sendError(response, undefined, new FakeApiError(500, `Internal Server Error: ${String(error)}`))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', resolve)
  })
  const {port} = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    addBot: (bot) => state.addBot(bot),
    addChat: (chat) => state.addChat(chat),
    migrateChat: (oldId, newId) => state.migrateChat(oldId, newId),
    pushUpdate: (update, token) => state.pushUpdate(update, token),
    failNext: (fault) => faults.add(fault),
    setWebhookError(message, token) {
      const bot = token === undefined ? state.bots.values().next().value : state.bots.get(token)
      if (bot?.webhook === undefined) throw new Error('setWebhookError: that bot has no webhook set')
      bot.webhook.lastErrorDate = Math.floor(now() / 1000)
      bot.webhook.lastErrorMessage = message
    },
    messages: (chatId) => [...(state.chats.get(chatId)?.messages.values() ?? [])],
    reset() {
      requests.length = 0
      faults.clear()
      limiter.reset()
      state.wakeAllPolls()
      for (const bot of state.bots.values()) {
        bot.updates = []
        bot.webhook = undefined
      }
    },
    async close() {
      state.wakeAllPolls()
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
}

/** A copy of a result with every `file_id` key removed, at any depth. */
function withoutFileIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutFileIds)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'file_id').map(([key, inner]) => [key, withoutFileIds(inner)]))
}
