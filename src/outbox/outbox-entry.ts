import {randomBytes} from 'node:crypto'

import type {OutgoingMessage} from '../send/outgoing-message.js'
import {isRecord} from '../support/is-record.js'

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

// Creation time in ms, zero-padded so that names sort as times do, then pid and a random part against collisions.
const ENTRY_FILE = /^(\d{15}-\d+-[0-9a-f]+)\.json$/

export function entryId(createdAtMs: number, random: string): string {
  return `${String(createdAtMs).padStart(15, '0')}-${process.pid}-${random}`
}

/** A new entry as every outbox backend stores it, before redaction. */
export function newOutboxEntry(input: NewOutboxEntry, nowMs: number): OutboxEntry {
  const createdAt = input.createdAt ?? new Date(nowMs)
  return {
    version: 1,
    id: entryId(createdAt.getTime(), randomBytes(4).toString('hex')),
    bot: input.bot,
    chatIds: [...input.chatIds],
    message: input.message,
    ...(input.throttleKey === undefined ? {} : {throttleKey: input.throttleKey}),
    createdAt: createdAt.toISOString(),
    attempts: input.attempts ?? 1,
    ...(input.lastError === undefined ? {} : {lastError: input.lastError}),
  }
}

/** The entry id in a file name of the outbox, undefined for anything else (temporary and set-aside files). */
export function entryIdOf(fileName: string): string | undefined {
  return ENTRY_FILE.exec(fileName)?.[1]
}

// Checked by hand for the same reason as the throttle state: zod would cost every alert run more than this does.
const optional = (value: unknown, check: (value: unknown) => boolean) => value === undefined || check(value)
const isBoolean = (value: unknown) => typeof value === 'boolean'
const isString = (value: unknown) => typeof value === 'string'
const isChatId = (value: unknown) => Number.isSafeInteger(value) || (typeof value === 'string' && value !== '')

function isMessage(value: unknown): value is SpooledMessage {
  if (!isRecord(value) || typeof value.text !== 'string') return false
  return (
    optional(value.parseMode, (mode) => mode === 'HTML' || mode === 'MarkdownV2') &&
    optional(value.silent, isBoolean) &&
    optional(value.protect, isBoolean) &&
    optional(value.noPreview, isBoolean) &&
    optional(value.plainFallback, isBoolean) &&
    optional(value.threadId, Number.isSafeInteger) &&
    optional(value.replyMarkup, (markup) => isRecord(markup) && Array.isArray(markup.inline_keyboard)) &&
    optional(value.media, isMedia)
  )
}

function isMedia(value: unknown): value is SpooledMedia {
  if (!isRecord(value) || (value.kind !== 'photo' && value.kind !== 'document') || !isRecord(value.source)) return false
  const {source} = value
  const fromCopy = isString(source.path) && isString(source.filename)
  return (fromCopy || isString(source.url)) && optional(value.size, Number.isSafeInteger) && optional(value.sha256, isString)
}

/** The entry in `text`, or why it is not one. */
export function parseOutboxEntry(text: string, id: string): OutboxEntry | {problem: string} {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return {problem: 'not JSON'}
  }
  const valid =
    isRecord(value) &&
    value.version === 1 &&
    value.id === id &&
    typeof value.bot === 'string' &&
    Array.isArray(value.chatIds) &&
    value.chatIds.every(isChatId) &&
    isMessage(value.message) &&
    optional(value.throttleKey, isString) &&
    typeof value.createdAt === 'string' &&
    Number.isSafeInteger(value.attempts) &&
    optional(value.lastError, isString)
  return valid ? (value as unknown as OutboxEntry) : {problem: 'not an outbox entry'}
}
