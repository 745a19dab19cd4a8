// The HTTP side of `webhook serve`: Telegram's POSTs in, 200 out as soon as the update is read and queued. The
// update is handled afterwards and replies go through the Bot API, so Telegram never waits on our replies.
import {hash, timingSafeEqual} from 'node:crypto'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo, Socket} from 'node:net'

import type {Update} from '@grammyjs/types'

import {redact} from '../redact.js'
import {UserError} from '../user-error.js'
import {discardBody, type NoBody, parseUpdate, readBody} from './read-update.js'
import {UpdateQueue} from './update-queue.js'
import {RecentUpdates} from './recent-updates.js'
import {oneLine, requestPath, unroutedPrefixHint, webhookRoute} from './webhook-route.js'
import {errorMessage} from '../support/error-message.js'

const SECRET_HEADER = 'x-telegram-bot-api-secret-token'
// The log's half of a 401 (the answer is the same either way): a migration often leaves Telegram pointed here with the
// old backend's secret, or none, and every update is refused until the webhook is registered again.
const NO_SECRET = ': none was sent; if this is Telegram, its webhook was set without a secret (by the old backend?): run webhook register'
const WRONG_SECRET = ': another one was sent; if this is Telegram, its webhook was set with another secret: run webhook register with the one serve uses'

/**
 * What became of one request, for the metrics. `rejected`: a served bot's path, but a body refused (400, 413) or no
 * room in the queue (503). `unauthorized` and `not_found` come with no bot: a peer must not be able to tell which.
 */
export type WebhookOutcome = 'handled' | 'failed' | 'duplicate' | 'rejected' | 'unauthorized' | 'not_found'

export interface WebhookServerOptions<Bot> {
  /** Bots served, by the id in their path (`/api/telegram/webhook/<id>/`). */
  bots: ReadonlyMap<number, Bot>
  /** Handles one update after the 200 went out; returns a line to log, if any. */
  handle: (bot: Bot, update: Update) => Promise<string | undefined>
  /** Updates of one lane are handled in order: e.g. one lane per chat. */
  laneOf: (webhookId: number, update: Update) => string
  port: number
  /** @default '127.0.0.1' */
  host?: string
  /** `X-Telegram-Bot-Api-Secret-Token` must equal it; unset: any request is accepted. @default undefined */
  secret?: string
  /**
   * A path the https proxy in front may keep before `/api/telegram/webhook/<id>/` (the base URL's path, `/tg`); the
   * route is anchored: nothing else may precede it. @default '' (none)
   */
  pathPrefix?: string
  /** Larger bodies get 413. @default 1048576 (1 MiB) */
  maxBodyBytes?: number
  /** A request not fully received by then gets 408. @default 10000 */
  requestTimeoutMs?: number
  /**
   * Updates of one bot handled at once. Per bot: an update waiting for its bot's rate limiter holds a slot, and a
   * burst to one bot must not hold back the others' replies. @default 16
   */
  concurrency?: number
  /** Beyond this many queued updates (all bots together), 503 asks Telegram to retry later. @default 10000 */
  maxQueuedUpdates?: number
  /** One line per handled update, with the update it is about. @default nothing */
  log?: (line: string, about: HandledUpdate) => void
  /** One line per refused request or failed update, already redacted. @default nothing */
  logError?: (line: string) => void
  /** Told what became of each request (metrics). @default nothing */
  onOutcome?: (bot: Bot | undefined, outcome: WebhookOutcome) => void
}

/** Which update a log line is about: what a machine-readable log (`webhook serve --json`) carries besides the line. */
export interface HandledUpdate {
  updateId: number
  /** The bot's id in the webhook path. */
  webhookId: number
}

/** An update answered 200 and queued for handling. */
export interface QueuedUpdate {
  /** The bot's id in the webhook path. */
  webhookId: number
  update: Update
}

/** What a stop left: updates never started (Telegram has them answered), and those stopped while being handled. */
export interface LeftUpdates {
  waiting: QueuedUpdate[]
  running: QueuedUpdate[]
}

export interface WebhookServer {
  /** `http://127.0.0.1:40123` */
  url: string
  port: number
  /** Updates accepted so far: answered 200, or taken over from a stopped server (`handleKept`). */
  readonly accepted: number
  /** Queues an update that a stopped server kept (see `close`); false when its bot is not served here, or it came here too. */
  handleKept(kept: QueuedUpdate): boolean
  /**
   * Stops accepting, waits up to `graceMs` for queued updates (no longer once `cutShort` aborts: an operator's second
   * Ctrl-C), then closes every connection and returns the updates that did not finish: Telegram has them answered, so
   * only the caller can keep them. @default 10000
   */
  close(graceMs?: number, cutShort?: AbortSignal): Promise<LeftUpdates>
}

/** An accepted update's answer: an empty 200, as Telegram needs nothing more. */
const OK_HEADERS = {'content-length': '0'}

// One-shot: no Hash object (and its native handle) a request.
const digest = (text: string) => hash('sha256', text, 'buffer')

function answer(response: ServerResponse, status: number, body = '', headers: Record<string, string> = {}): void {
  response.writeHead(status, {'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), ...headers})
  response.end(body)
}

/** What node:http itself would answer to a malformed or too slow request, had we not listened to clientError. */
function clientErrorResponse(code: string | undefined): string {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'HTTP/1.1 408 Request Timeout\r\nconnection: close\r\n\r\n'
  if (code === 'HPE_HEADER_OVERFLOW') return 'HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\n\r\n'
  return 'HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n'
}

/** A port taken or not ours to bind is the user's to fix: one line naming --port/--host. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') return new UserError(`--port ${port}: ${host}:${port} is already in use`)
  if (error.code === 'EACCES') return new UserError(`--port ${port}: not allowed to listen on ${host}:${port} (ports below 1024 need privileges)`)
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') return new UserError(`--host ${host}: no such address on this machine`)
  return error
}

/** Starts the receiver; resolves once it listens (port 0 picks a free port). */
export async function startWebhookServer<Bot>(options: WebhookServerOptions<Bot>): Promise<WebhookServer> {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024
  const maxQueued = options.maxQueuedUpdates ?? 10_000
  const expectedSecret = options.secret === undefined ? undefined : digest(options.secret)
  const route = webhookRoute(options.pathPrefix)
  // Every line may carry what a peer sent (a path, a name, a parse error quoting the body): one line each, always.
  const log = (line: string, about: HandledUpdate) => options.log?.(oneLine(line), about)
  const logError = (line: string) => options.logError?.(oneLine(redact(line)))
  // One queue per bot (see `concurrency`), made on its first update.
  const queues = new Map<number, UpdateQueue<QueuedUpdate>>()
  const queueOf = (webhookId: number) => {
    let queue = queues.get(webhookId)
    if (queue === undefined) {
      queue = new UpdateQueue<QueuedUpdate>({
        concurrency: options.concurrency,
        onError: (error) => logError(`webhook: handling an update failed: ${errorMessage(error)}`),
      })
      queues.set(webhookId, queue)
    }
    return queue
  }
  const waiting = () => {
    let size = 0
    for (const queue of queues.values()) size += queue.size
    return size
  }
  const recent = new RecentUpdates()
  const peers = new WeakMap<Socket, string>()
  let accepted = 0

  const count = (bot: Bot | undefined, outcome: WebhookOutcome) => options.onOutcome?.(bot, outcome)
  // Only refusals name the peer: an accepted update does not pay for the text.
  const from = (request: IncomingMessage, path: string) => `${peers.get(request.socket) ?? '?'} ${request.method ?? '?'} ${path}`
  const refuse = (response: ServerResponse, status: number, reason: string, request: IncomingMessage, path: string, bot?: Bot, hint = '') => {
    count(bot, status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : 'rejected')
    logError(`webhook: ${status} ${reason} (${from(request, path)})${hint}`)
    // No `connection: close` on a 413: closing while the client still writes its body resets the connection, and the
    // client sees EPIPE instead of the answer. The rest of the body drains (resumed), within the request timeout.
    answer(response, status, `${reason}\n`)
  }
  const failed = (response: ServerResponse, error: unknown) => {
    logError(`webhook: 500 ${errorMessage(error)}`)
    if (!response.headersSent) answer(response, 500, 'internal error\n')
    else response.destroy()
  }

  const handle = async (bot: Bot, webhookId: number, update: Update) => {
    try {
      const line = await options.handle(bot, update)
      count(bot, 'handled')
      if (line !== undefined) log(line, {updateId: update.update_id, webhookId})
    } catch (error) {
      count(bot, 'failed')
      logError(`webhook: update ${update.update_id} for bot ${webhookId} failed: ${errorMessage(error)}`)
    }
  }
  // Its own function, so the queued task holds the update and its bot only: a closure made in `receive` would keep
  // the request (headers, stream state) alive, and copied by the GC, until the update is handled.
  const enqueue = (bot: Bot, webhookId: number, update: Update) => {
    accepted++
    queueOf(webhookId).push(options.laneOf(webhookId, update), {webhookId, update}, () => handle(bot, webhookId, update))
  }

  const received = (request: IncomingMessage, response: ServerResponse, path: string, webhookId: number, bot: Bot, body: Buffer | NoBody) => {
    if (body === 'too-large') return refuse(response, 413, `body over ${maxBodyBytes} bytes`, request, path, bot)
    if (body === 'cut-short') return logError(`webhook: request cut short or timed out before its body arrived (${from(request, path)})`)
    const update = parseUpdate(body)
    if (typeof update === 'string') return refuse(response, 400, update, request, path, bot)
    if (waiting() >= maxQueued) return refuse(response, 503, 'too many updates waiting; Telegram will retry', request, path, bot)
    response.writeHead(200, OK_HEADERS)
    response.end()
    if (!recent.isNew(webhookId, update.update_id)) return count(bot, 'duplicate')
    enqueue(bot, webhookId, update)
  }

  const receive = (request: IncomingMessage, response: ServerResponse) => {
    const path = requestPath(request.url)
    const webhookId = Number(route.exec(path)?.[1])
    const bot = options.bots.get(webhookId)
    // The secret comes first: without it, neither the status (404, 405) nor the time taken tells which bots are served.
    if (expectedSecret !== undefined) {
      const given = request.headers[SECRET_HEADER]
      if (typeof given !== 'string' || !timingSafeEqual(digest(given), expectedSecret)) {
        discardBody(request, maxBodyBytes)
        return refuse(response, 401, 'wrong or missing secret token header', request, path, undefined, typeof given === 'string' ? WRONG_SECRET : NO_SECRET)
      }
    }
    if (bot === undefined) {
      discardBody(request, maxBodyBytes)
      // The hint is for the log only (the answer is the same 404), and reaches it only past the secret when one is set.
      const hint = unroutedPrefixHint(path, (webhookId) => options.bots.has(webhookId))
      return refuse(response, 404, 'no bot is served at this path', request, path, undefined, hint)
    }
    if (request.method !== 'POST') {
      discardBody(request, maxBodyBytes)
      return answer(response, 405, 'POST only\n', {allow: 'POST'})
    }
    if (Number(request.headers['content-length'] ?? 0) > maxBodyBytes) {
      request.resume()
      return refuse(response, 413, `body over ${maxBodyBytes} bytes`, request, path, bot)
    }
    readBody(request, maxBodyBytes, (body) => {
      try {
        received(request, response, path, webhookId, bot, body)
      } catch (error) {
        failed(response, error)
      }
    })
  }

  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000
  const server = createServer(
    {requestTimeout: requestTimeoutMs, headersTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, requestTimeoutMs)},
    (request, response) => {
      try {
        receive(request, response)
      } catch (error) {
        failed(response, error)
      }
    },
  )
  // The peer's address, read once a connection (not once a request) and still known after it is gone: a request cut
  // short is logged after its socket closed.
  server.on('connection', (socket: Socket) => peers.set(socket, socket.remoteAddress ?? '?'))
  // A peer that vanishes mid-request must not take the server down.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') logError('webhook: 408 request not received in time')
    if (socket.writable && socket.bytesWritten === 0) socket.write(clientErrorResponse(error.code))
    socket.destroy()
  })
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(listenError(error, options.host ?? '127.0.0.1', options.port))
    server.once('error', failed)
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', failed)
      resolve()
    })
  })
  // Once listening, an error such as EMFILE on accept is logged; the server keeps serving the connections it has.
  server.on('error', (error) => logError(`webhook: server error: ${error.message}`))
  const {address, port} = server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address
  return {
    url: `http://${host}:${port}`,
    port,
    get accepted() {
      return accepted
    },
    handleKept({webhookId, update}) {
      const bot = options.bots.get(webhookId)
      // Also kept by a serve that stopped after Telegram, getting no answer, sent it here too: handled once.
      if (bot === undefined || !recent.isNew(webhookId, update.update_id)) return false
      enqueue(bot, webhookId, update)
      return true
    },
    async close(graceMs = 10_000, cutShort) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      await Promise.all([...queues.values()].map((queue) => queue.drain(graceMs, cutShort)))
      const left: LeftUpdates = {waiting: [], running: []}
      for (const queue of queues.values()) {
        const {waiting, running} = queue.stop()
        left.waiting.push(...waiting)
        left.running.push(...running)
      }
      server.closeAllConnections()
      await closed
      return left
    },
  }
}
