// Reading one webhook request's body and the update in it, for webhook-server.ts.
import type {IncomingMessage} from 'node:http'

import type {Update} from '@grammyjs/types'

import {isRecord} from '../support/is-record.js'

/** Why a request has no body to handle: over the size limit, or cut short (the peer went away, or the timeout hit). */
export type NoBody = 'too-large' | 'cut-short'

/**
 * Calls `done` once, with the whole body or why there is none. A callback, not a promise: the update is answered from
 * the 'end' event itself, as a bare server would, with no promise or microtask in between.
 */
export function readBody(request: IncomingMessage, maxBytes: number, done: (body: Buffer | NoBody) => void): void {
  const chunks: Buffer[] = []
  let size = 0
  // 'close' follows every request, also one read whole: only the first outcome counts.
  let settled = false
  const settle = (body: Buffer | NoBody) => {
    if (settled) return
    settled = true
    done(body)
  }
  request.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size > maxBytes) {
      request.removeAllListeners('data')
      request.resume()
      settle('too-large')
    } else chunks.push(chunk)
  })
  request.on('end', () => settle(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)))
  const cutShort = () => settle('cut-short')
  request.on('error', cutShort)
  request.on('close', cutShort)
}

/**
 * Reads and drops the body of a request answered without it (401, 404, 405), so that the connection can serve the
 * next request; a peer that sends more than `maxBytes` is cut off, since no update is that large: without the limit a
 * peer without the secret could keep uploading until the request timeout, connection after connection.
 */
export function discardBody(request: IncomingMessage, maxBytes: number): void {
  let size = 0
  request.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size > maxBytes) request.socket.destroy()
  })
}

/** The update in a body, or why it is none (a line for the 400 answer and the log). */
export function parseUpdate(body: Buffer): Update | string {
  let value: unknown
  try {
    value = JSON.parse(body.toString('utf8'))
  } catch (error) {
    return `malformed JSON (${(error as Error).message.slice(0, 120)})`
  }
  const updateId = (value as {update_id?: unknown} | null)?.update_id
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Number.isSafeInteger(updateId)) {
    return 'not a Telegram update (no integer update_id)'
  }
  return shapeProblem(value as Record<string, unknown>) ?? (value as Update)
}

const hasIntegerId = (value: unknown): boolean => isRecord(value) && Number.isSafeInteger(value.id)

/**
 * The parts serve reads without asking (a message's chat, a press's id and sender), checked here: past this point an
 * update has had its 200, and a null chat was a TypeError in the queue, logged as a 500 that no one was sent.
 */
function shapeProblem(update: Record<string, unknown>): string | undefined {
  const {message, callback_query: press} = update
  if (message !== undefined && !(isRecord(message) && hasIntegerId(message.chat))) return 'not a Telegram update (message without a chat id)'
  // Commands and buttons are read as strings: a number there was "t.startsWith is not a function" after the 200.
  if (isRecord(message) && message.text !== undefined && typeof message.text !== 'string') return 'not a Telegram update (message text not a string)'
  if (press === undefined) return undefined
  const pressMessage = isRecord(press) ? press.message : undefined
  if (!isRecord(press) || typeof press.id !== 'string' || !hasIntegerId(press.from)) return 'not a Telegram update (callback_query without an id and from.id)'
  if (press.data !== undefined && typeof press.data !== 'string') return 'not a Telegram update (callback_query data not a string)'
  if (pressMessage !== undefined && !(isRecord(pressMessage) && hasIntegerId(pressMessage.chat))) return 'not a Telegram update (callback_query message without a chat id)'
  return undefined
}
