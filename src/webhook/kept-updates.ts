// Updates that `webhook serve` answered 200 but had not started handling when it was stopped (SIGTERM after the
// drain time). Telegram will not send them again, so they are kept in the store, per bot, and the next serve of that
// bot handles them first: on a fleet (Redis) whichever server starts next, exactly one of them.
import {hostname} from 'node:os'

import type {KeyValueStore} from '../store/types.js'
import {LINK_TOKEN_NOT_KEPT} from './bot-commands.js'
import type {QueuedUpdate} from './webhook-server.js'

const PREFIX = 'webhook/kept-updates/'
/** As long as Telegram itself keeps an update nobody took: 24 hours. */
const KEPT_MS = 24 * 3600 * 1000
/**
 * A batch still there this long after a serve claimed it: that serve died between its claim and the delete that
 * comes right after (it queues the updates only after the delete), so another may take the batch.
 */
const CLAIM_LEFT_MS = 60_000

interface KeptBatch {
  updates: QueuedUpdate['update'][]
  /** Set by the serve that took the batch; the key is deleted right after. */
  takenBy?: string
}

const batchPrefix = (webhookId: number) => `${PREFIX}${webhookId}/`

// `/link TOKEN`, `/start TOKEN`, `/link@bot TOKEN`: the argument is a link token.
const LINK_WITH_TOKEN = /^(\s*\/(?:link|start)(?:@[A-Za-z0-9_]{3,64})?)\s+\S[\s\S]*$/i

/** The update as kept: a link token's text is never stored (only its sha256 is), so it is left out. */
function withoutLinkToken(update: QueuedUpdate['update']): QueuedUpdate['update'] {
  const text = update.message?.text
  const command = text === undefined ? undefined : LINK_WITH_TOKEN.exec(text)?.[1]
  if (command === undefined || update.message === undefined) return update
  return {...update, message: {...update.message, text: `${command} ${LINK_TOKEN_NOT_KEPT}`, entities: []}}
}

/** Writes one batch per bot. Keys sort by time, so batches of several stops are handled oldest first. */
export async function keepUpdates(kv: KeyValueStore, left: readonly QueuedUpdate[], now = Date.now()): Promise<void> {
  const byBot = new Map<number, QueuedUpdate['update'][]>()
  for (const {webhookId, update} of left) byBot.set(webhookId, [...(byBot.get(webhookId) ?? []), withoutLinkToken(update)])
  for (const [webhookId, updates] of byBot) {
    const key = `${batchPrefix(webhookId)}${String(now).padStart(15, '0')}-${hostname()}-${process.pid}`
    await kv.set<KeptBatch>(key, {updates}, {ttlMs: KEPT_MS})
  }
}

/**
 * Takes the batches kept for these bots, oldest first. Each is claimed by compare-and-set before it is deleted, so
 * that of two serves starting at once only one handles a batch.
 */
export async function takeKeptUpdates(kv: KeyValueStore, webhookIds: readonly number[], now = Date.now()): Promise<QueuedUpdate[]> {
  const taken: QueuedUpdate[] = []
  const me = `${hostname()}/${process.pid}`
  for (const webhookId of webhookIds) {
    for (const batch of await kv.list<KeptBatch>(batchPrefix(webhookId))) {
      if (batch.value.takenBy !== undefined && now - batch.updatedAt < CLAIM_LEFT_MS) continue
      const claimed = await kv.compareAndSet<KeptBatch>(batch.key, batch.version, {...batch.value, takenBy: me}, {ttlMs: KEPT_MS})
      if (!claimed.ok) continue
      await kv.delete(batch.key)
      for (const update of batch.value.updates) taken.push({webhookId, update})
    }
  }
  return taken
}
