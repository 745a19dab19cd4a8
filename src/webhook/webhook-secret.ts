// The secret Telegram sends in `X-Telegram-Bot-Api-Secret-Token`: TELEGRAM_WEBHOOK_SECRET when set, else one that
// `webhook register` generated and kept in the store (a 0600 file in the state dir, or Redis for a fleet), where
// `webhook serve` finds it. A webhook without a secret lets anyone who learns the URL post updates.

import type {Env} from '../config/index.js'
import {registerSecret} from '../redact.js'
import {type KeyValueStore, refusedStoreLine, type StoreDescription} from '../store/types.js'
import {UnreachableError} from '../unreachable-error.js'
import {UserError} from '../user-error.js'
import {readWebhookSecret, SECRET_VAR} from './webhook-url.js'
import {nodeCrypto} from '../support/node-crypto.js'

/** Where the generated secret lives in the store. */
export const STORED_SECRET_KEY = 'webhook/secret'

/** The secret and where it came from, for start-up lines (never the value). */
export interface WebhookSecret {
  value: string
  source: 'env' | 'stored' | 'generated'
}

/** 32 random bytes as base64url: 43 characters Telegram accepts (A-Z a-z 0-9 _ -). */
export const generateWebhookSecret = () => nodeCrypto().randomBytes(32).toString('base64url')

async function storedSecret(kv: KeyValueStore): Promise<string | undefined> {
  const stored = await kv.get<{secret?: unknown}>(STORED_SECRET_KEY)
  const value = stored?.value.secret
  return typeof value === 'string' && /^[A-Za-z0-9_-]{1,256}$/.test(value) ? value : undefined
}

/** For `webhook serve`: the variable, else the stored secret, else undefined. Registered for redaction. */
export async function findWebhookSecret(kv: KeyValueStore, env: Env = process.env): Promise<WebhookSecret | undefined> {
  const fromEnv = readWebhookSecret(env)
  const found: WebhookSecret | undefined = fromEnv !== undefined
    ? {value: fromEnv, source: 'env'}
    : await storedSecret(kv).then((value) => (value === undefined ? undefined : {value, source: 'stored' as const}))
  registerSecret(found?.value)
  return found
}

/**
 * For `webhook register`: the variable, else the stored secret, else a new one stored now. Two registers racing
 * agree on one secret (compare-and-set: the loser reads the winner's).
 */
export async function ensureWebhookSecret(kv: KeyValueStore, env: Env = process.env): Promise<WebhookSecret> {
  const found = await findWebhookSecret(kv, env)
  if (found !== undefined) return found
  const value = generateWebhookSecret()
  registerSecret(value)
  const written = await kv.compareAndSet(STORED_SECRET_KEY, 0, {secret: value, created_at: new Date().toISOString()})
  if (written.ok) return {value, source: 'generated'}
  const winner = await storedSecret(kv)
  if (winner === undefined) throw new Error(`could not store a generated webhook secret; set ${SECRET_VAR} instead`)
  registerSecret(winner)
  return {value: winner, source: 'stored'}
}

/**
 * Without TELEGRAM_WEBHOOK_SECRET the secret lives in the store, and on Redis it is the fleet's: while Redis is
 * unreachable, one read or made on this host's files would be refused by every other server (or would refuse
 * Telegram's requests). Says which store does not answer and why, or undefined when the secret can be had.
 */
export async function unreachableSecretStore(store: {kind: 'file' | 'redis'; describe(): Promise<StoreDescription>}, env: Env): Promise<SecretStoreProblem | undefined> {
  if (store.kind !== 'redis' || readWebhookSecret(env) !== undefined) return undefined
  const now = await store.describe()
  if (now.active === 'redis') return undefined
  const refused = refusedStoreLine(now)
  if (refused) return {line: refused, refused: true}
  return {line: `store ${now.target} unreachable (${now.problem ?? 'no answer'})`, refused: false}
}

/** Why the fleet's secret cannot be had: `refused` when Redis refused the URL's credentials (a mistake to fix). */
export interface SecretStoreProblem {
  line: string
  refused: boolean
}

/**
 * Exit 3 for `unreachableSecretStore`'s answer, or 2 when Redis refused the password (running again will not help);
 * `notDone` says what was not done.
 */
export function secretStoreError(problem: SecretStoreProblem, notDone: string): UnreachableError | UserError {
  if (problem.refused) return new UserError(`${problem.line}; the webhook secret is kept there: ${notDone}`)
  return new UnreachableError(`${problem.line}, and the webhook secret is kept there: ${notDone}; run again once it answers, or set ${SECRET_VAR}`)
}
