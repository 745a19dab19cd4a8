// Alert buttons are signed: Telegram does not check that a press carries data of a button the bot made (any client
// can send any callback data for any message with a keyboard). Each bot has its own random key in the store (a
// 0600 file in the state dir, or Redis for a fleet), made by whichever of `alert` and `webhook serve` needs it first.

import type {KeyValueStore} from '../store/types.js'
import {nodeCrypto} from '../support/node-crypto.js'
import {botIdPart} from '../support/bot-id.js'

/** 12 bytes of HMAC-SHA256 as base64url: 96 bits, far beyond guessing by pressing buttons. */
export const MAC_CHARS = 16
const MAC_SHAPE = new RegExp(`^[A-Za-z0-9_-]{${MAC_CHARS}}$`)

/** The bot id in a token (`7012345678:AA…` → 7012345678): Telegram's id of the bot, not a secret. */
export const botIdOfToken = (token: string) => Number(botIdPart(token))

const keyName = (botId: number) => `webhook/button-signing-key/${botId}`

async function readKey(kv: KeyValueStore, botId: number): Promise<Buffer | undefined> {
  const stored = await kv.get<{key?: unknown}>(keyName(botId))
  const key = stored?.value.key
  return typeof key === 'string' && key.length >= 43 ? Buffer.from(key, 'base64url') : undefined
}

/** The bot's signing key, created once (two processes racing agree on the first one written). */
export async function buttonSigningKey(kv: KeyValueStore, botId: number): Promise<Buffer> {
  if (!Number.isSafeInteger(botId) || botId <= 0) throw new RangeError(`button signing needs the bot's id (got ${botId})`)
  const existing = await readKey(kv, botId)
  if (existing !== undefined) return existing
  const key = nodeCrypto().randomBytes(32)
  const written = await kv.compareAndSet(keyName(botId), 0, {key: key.toString('base64url'), created_at: new Date().toISOString()})
  if (written.ok) return key
  const winner = await readKey(kv, botId)
  if (winner === undefined) throw new Error(`could not store the button signing key of bot ${botId}`)
  return winner
}

/** The signing key of a bot that may have none yet: `webhook serve` refuses such presses instead of making one. */
export const existingButtonSigningKey = readKey

/** What a button's MAC covers: the channel (so a chat must receive it), the action, the key ref, the mute length. */
export interface SignedFields {
  channel: string
  kind: 'ack' | 'mute'
  ref: string
  /** Mute length; none for ack. */
  seconds?: number
}

export function buttonMac(key: Buffer, fields: SignedFields): string {
  const text = ['fastpay-tg button v1', fields.channel.toLowerCase(), fields.kind, fields.ref, String(fields.seconds ?? '')].join('\n')
  return nodeCrypto().createHmac('sha256', key).update(text, 'utf8').digest('base64url').slice(0, MAC_CHARS)
}

export function macMatches(key: Buffer, fields: SignedFields, mac: string): boolean {
  if (!MAC_SHAPE.test(mac)) return false
  return nodeCrypto().timingSafeEqual(Buffer.from(buttonMac(key, fields)), Buffer.from(mac))
}
