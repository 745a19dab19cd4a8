// The outbox's data as the store keeps it, whatever the backend: an entry, what a flush reports, what a listing
// shows. The store owns these types; the outbox feature (src/outbox/: send --outbox, its file copies) imports them.
import type {ChatDelivery, PartSent} from '../send/deliver.js'
import type {OutgoingMessage} from '../send/outgoing-message.js'

/**
 * A photo or document of a spooled message (`send --outbox`): a URL for Telegram to fetch, or the outbox's own copy
 * of the bytes (`<state>/outbox/files/<id>`, 0600), removed once the entry is. Size and hash are checked before each
 * delivery, so a copy that went missing or changed is reported, never sent in its place.
 */
export interface SpooledMedia {
  kind: 'photo' | 'document'
  source: {path: string; filename: string} | {url: string}
  /** Of the copy at `source.path`. */
  size?: number
  /** Hex SHA-256 of the copy at `source.path`. */
  sha256?: string
}

/** A message as the outbox keeps it: what `deliverToChats` takes, a file only as a URL or the outbox's own copy. */
export type SpooledMessage = Omit<OutgoingMessage, 'media' | 'text'> & {text: string; media?: SpooledMedia}

/** One message waiting in the outbox. The file holds no token: `bot` names the bot for config to resolve again. */
export interface OutboxEntry {
  version: 1
  /** The file name without `.json`: the creation time comes first, so that names sort oldest first. */
  id: string
  /**
   * The bot that sends it, as config can resolve it again: a registry or `TELEGRAM_BOT_CONFIGS` name, or the layer
   * (`env TELEGRAM_BOT_TOKEN`). Never the token.
   */
  bot: string
  /** The chats still waiting for it. */
  chatIds: Array<number | string>
  message: SpooledMessage
  throttleKey?: string
  /** ISO 8601. */
  createdAt: string
  /** Delivery attempts so far, the one that spooled it included. */
  attempts: number
  /** Why the last attempt failed: one line, redacted. */
  lastError?: string
  /**
   * Per chat (`String(chatId)`), how many of the messages Telegram takes this as (a long text, a caption with text
   * after the file) it already has: Telegram stopped answering half-way, and a flush sends it only the rest.
   * @default none: every chat waits for all of it
   */
  partsSent?: Record<string, number>
}

/** What `spool` takes. */
export interface NewOutboxEntry {
  bot: string
  chatIds: ReadonlyArray<number | string>
  message: SpooledMessage
  throttleKey?: string
  /** @default now */
  createdAt?: Date
  /** @default 1 */
  attempts?: number
  lastError?: string
}

/** One waiting message as a listing shows it. */
export interface OutboxItem {
  entry: OutboxEntry
  /** Where it is kept: a file path, or `<stream key> <entry id>` on Redis. */
  path: string
  /** Who is delivering it right now: a pid (file store) or a Redis consumer `host/pid`. */
  claimedBy?: number | string
  /**
   * True when `claimedBy` is a process of this host that no longer runs: a run that died (kill -9) left its claim,
   * and the next flush takes the entry over at once. @default false
   */
  holderGone?: boolean
}

/** What `OutboxStore.list` returns, for every backend. */
export interface OutboxListing {
  /** Oldest first. */
  items: OutboxItem[]
  warnings: string[]
}

/**
 * Sends one entry to its chats; the outbox decides from the per-chat results what stays. `chatDone` (pass it to
 * deliverToChats' `onChatDone`) lets the outbox take each chat Telegram accepted off the stored entry at once, so
 * that a run killed half-way leaves only the chats not yet answered (a chat in flight then may get it twice), and
 * `partSent` records the parts a chat of a long message has had, so that it gets only the part in flight again.
 */
export type DeliverEntry = (
  entry: OutboxEntry,
  chatDone: (delivery: ChatDelivery) => void,
  /** Pass it to deliverToChats' `onPartSent`: the outbox records the parts a chat cut off half-way already has. */
  partSent?: PartSent,
) => Promise<ChatDelivery[]>

export interface FlushOptions {
  /** Only entries of this bot (`OutboxEntry.bot`). @default every entry */
  bot?: string
  /** Delivers at most this many entries (a new alert waits behind a bounded slice of the outbox). @default all */
  limit?: number
}

/**
 * An entry written ahead of its first delivery, held by the process that wrote it: no flush delivers it meanwhile,
 * and a flush takes it over once that process is gone (at once on this host, else when its lease runs out).
 */
export interface HeldEntry {
  readonly entry: OutboxEntry
}

/** The claim lease of a store, in ms. */
export const DEFAULT_CLAIM_TIMEOUT_MS = 60_000

/** How long a delivered mark (see deliveredMark) is kept: longer than any throttle window. 30 days, in ms. */
export const DEFAULT_DELIVERED_MEMORY_MS = 30 * 24 * 3600 * 1000

export interface FlushedEntry {
  id: string
  bot: string
  /** Chats Telegram accepted it for. */
  delivered: Array<number | string>
  /** Chats Telegram refused for good (blocked, not found): taken off the entry. */
  refused: Array<{chatId: number | string; error: string}>
  /** Chats still waiting: the entry stays for them alone. */
  pending: Array<{chatId: number | string; error: string}>
}

export interface FlushReport {
  /** The entries tried, oldest first. */
  entries: FlushedEntry[]
  /**
   * Why the flush stopped early: a failure that may pass (network down, 429). Later entries were not tried, so
   * they keep their order and do not each wait out the client's retries.
   */
  stoppedBy?: string
  /** Entries (of `bot`, when given) still waiting after the flush. */
  waiting: number
  warnings: string[]
}

