// How every outbox backend names, creates and reads back an entry (the types are in outbox-types.ts).

import {isRecord} from '../support/is-record.js'
import type {NewOutboxEntry, OutboxEntry, SpooledMedia, SpooledMessage} from './outbox-types.js'
import {nodeCrypto} from '../support/node-crypto.js'

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
    id: entryId(createdAt.getTime(), nodeCrypto().randomBytes(4).toString('hex')),
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
    optional(value.lastError, isString) &&
    optional(value.partsSent, (sent) => isRecord(sent) && Object.values(sent).every((count) => Number.isSafeInteger(count) && (count as number) >= 0))
  return valid ? (value as unknown as OutboxEntry) : {problem: 'not an outbox entry'}
}
