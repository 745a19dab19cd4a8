import type {Update} from '@grammyjs/types'

/** A bot the fake server knows; requests with any other token get 401 Unauthorized. */
export interface FakeBot {
  token: string
  id: number
  username: string
  /** @default the username */
  first_name?: string
}

/** A chat the fake server knows. Give `title` for groups and channels, `first_name` for private chats. */
export interface FakeChat {
  id: number
  type: 'private' | 'group' | 'supergroup' | 'channel'
  title?: string
  username?: string
  first_name?: string
  last_name?: string
  /** Forum supergroups echo `message_thread_id` with `is_topic_message: true`. @default false */
  is_forum?: boolean
}

/** A file that arrived in a multipart body. */
export interface UploadedFile {
  /** The form field that carried it (`document`, `photo`, or the name an `attach://` reference points at). */
  field: string
  /** The filename sent in the part's Content-Disposition. */
  name: string
  size: number
  /** Hex SHA-256 of the part's bytes, to compare what each chat received with what was sent. */
  sha256: string
  contentType: string
  content: Buffer
}

/** One request as the server received it, in arrival order. */
export interface RecordedRequest {
  /** The method name as written in the path, e.g. `sendMessage`. */
  method: string
  token: string
  httpMethod: string
  /** How the parameters travelled. */
  encoding: 'json' | 'urlencoded' | 'multipart' | 'query' | 'none'
  /**
   * Parameters as decoded from the wire: JSON bodies keep their types, form and query bodies give strings
   * (so `reply_markup` arrives JSON-encoded there, as Telegram expects).
   */
  params: Record<string, unknown>
  files: UploadedFile[]
  /** The server's clock (`now`, @default Date.now) when the body had been read, in ms. */
  time: number
  /** The HTTP status answered, or undefined while unanswered (a `hang` fault, or a destroyed socket). */
  status?: number
  /** Which injected fault, if any, answered this request. */
  fault?: FaultKind
}

/** What an injected fault does instead of the real method. */
export type FaultKind =
  | {status: 429; retryAfter: number}
  /** 500 answers Telegram's JSON; 502 and 503 answer an HTML page the way the nginx in front of Telegram does. */
  | {status: 500 | 502 | 503; description?: string}
  /** @default description per status, e.g. 403 `Forbidden: bot was blocked by the user` */
  | {status: 400 | 401 | 403 | 404 | 409; description?: string; parameters?: Record<string, unknown>}
  /** Never answers; the socket is destroyed when the client gives up or the server closes. */
  | {hang: true}
  /** Destroys the socket without answering: the client sees a connection reset. */
  | {destroy: true}
  /** Answers normally, after this delay. */
  | {delayMs: number}
  /** Waits until `gate` settles (the test decides when), then answers with `then`, or normally without one. */
  | {gate: Promise<unknown>; then?: FaultKind}
  /** Answers normally, but with every `file_id` left out of the result, as some proxies and gateways answer. */
  | {withoutFileIds: true}

export interface FailNextOptions {
  /** Only this method triggers the fault. @default any method */
  method?: string
  /** How many matching requests the fault answers. @default 1 */
  times?: number
  kind: FaultKind
}

/** Telegram's documented limits; each is off unless given. */
export interface RateLimits {
  /** Messages to one chat per second (Telegram: about 1). */
  perChatPerSecond?: number
  /** Messages to one group, supergroup or channel per minute (Telegram: 20). */
  perGroupPerMinute?: number
  /** Messages from one bot per second across all chats (Telegram: about 30). */
  perBotPerSecond?: number
}

export interface FakeBotApiOptions {
  bots?: FakeBot[]
  chats?: FakeChat[]
  limits?: RateLimits
  /**
   * Refuse a `&` that does not start an entity under parse_mode HTML. Telegram itself keeps such a `&` as text,
   * but its documentation requires escaping it, and the check catches formatters that forget to.
   * @default true
   */
  strictAmpersand?: boolean
  /**
   * Holds the first request on each new connection this long before reading it, as a TLS handshake to the real
   * Telegram does: a burst sent on cold connections then arrives late and bunched. @default 0
   */
  coldConnectionDelayMs?: number
  /** Clock for message dates, rate limits and recorded request times. @default Date.now */
  now?: () => number
  /** The loopback port to listen on (`npm run fake-api --port`). @default 0: a free one */
  port?: number
}

export type {Update}
