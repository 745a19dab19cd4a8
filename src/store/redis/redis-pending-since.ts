import type {Redis} from 'ioredis'

import {parseOutboxEntry} from '../outbox-entry.js'

// RedisOutbox.pendingSince, and the mark its flushes leave when they deliver an entry with a throttle key.

/** The key of the mark a flush leaves when it delivers an entry of `throttleKey` from `stream`: see deliveredMark. */
export function deliveredMarkKey(stream: string, throttleKey: string): string {
  return `${stream}:delivered:${encodeURIComponent(throttleKey)}`
}

/**
 * See OutboxStore.pendingSince: the entries of the stream and the mark of the key, read at one moment (MULTI), as
 * ACK removes an entry and sets its mark in one step: the newest of either is found.
 */
export async function newestPendingOrMarked(
  redis: Redis,
  keys: {stream: string; entries: string},
  throttleKey: string,
  sinceMs: number,
): Promise<number | undefined> {
  const replies = await redis.multi().hgetall(keys.entries).get(deliveredMarkKey(keys.stream, throttleKey)).exec()
  const failed = replies?.find(([error]) => error)?.[0]
  if (failed) throw failed
  const [[, documents], [, mark]] = replies as [[null, Record<string, string>], [null, string | null]]
  let newest = mark !== null && Number(mark) > sinceMs ? Number(mark) : undefined
  for (const [id, json] of Object.entries(documents)) {
    if (!(Number(id.slice(0, 15)) > sinceMs)) continue
    const entry = parseOutboxEntry(json, id)
    if (!('problem' in entry) && entry.throttleKey === throttleKey) newest = Math.max(newest ?? 0, Date.parse(entry.createdAt))
  }
  return newest
}
