import {apiRootFromEnv, BotApiClient, FloodWaitGate, floodWaitClockFromEnv} from './api/index.js'
import {proxySettingsFromEnv} from './api/proxy-env.js'
import {type BotRequest, type Env, replaceChatId, type ResolvedBot, resolveBot} from './config/index.js'
import {ChatMigrations} from './send/migrations.js'
import {errorMessage} from './support/error-message.js'
import {floodWaitRecord} from './store/flood-waits.js'
import type {KeyValueStore} from './store/types.js'
import {usageObserver} from './usage/usage-tally.js'

export interface BotSession {
  resolved: ResolvedBot
  client: BotApiClient
  /** Chat upgrades the client saw during this session. */
  migrations: ChatMigrations
}

export interface OpenBotOptions {
  env?: Env
  /** Receives redacted request traces (`--debug`). */
  debug?: (line: string) => void
  /** Per-request timeout. @default 30000 */
  timeoutMs?: number
  /** Cancels every request of the session (a deadline for the whole run). @default none */
  signal?: AbortSignal
  /**
   * The store's key-value part (`Store.kv`), asked for on the bot's first sending call (a door may open its store
   * after the bot): a 429 the client does not wait out is kept there, and every run that opens this bot with it
   * holds back its sends until then. @default none: such a 429 is forgotten with the process
   */
  floodWaits?: () => Promise<KeyValueStore | undefined> | KeyValueStore | undefined
}

/** Resolves a bot through the config layers and opens a client for it: what every door does first. */
export async function openBot(request: BotRequest, {env = process.env, debug, timeoutMs, signal, floodWaits}: OpenBotOptions = {}): Promise<BotSession> {
  const resolved = await resolveBot(request, env)
  // Proxy variables are config, as the API root is: a bad one is the run's one line (exit 2) here, before alert
  // writes its outbox entry, rather than each chat's failure when the first request reads them.
  proxySettingsFromEnv(env)
  const migrations = new ChatMigrations()
  const token = resolved.token.value
  const floodWait =
    floodWaits &&
    new FloodWaitGate(async () => {
      const kv = await floodWaits()
      return kv && floodWaitRecord(kv, token)
    }, {now: floodWaitClockFromEnv(env), ...(debug ? {onProblem: debug} : {})})
  const client = new BotApiClient({
    token,
    apiRoot: apiRootFromEnv(env).value,
    debug,
    timeoutMs,
    signal,
    onMigrate: migrations.record,
    // Every door opens its bots here: the one place messages are counted for `bots list` and `bots stats`.
    onResult: usageObserver(resolved.name ?? resolved.token.source),
    ...(floodWait ? {floodWait} : {}),
  })
  return {resolved, client, migrations}
}

/**
 * Writes group → supergroup upgrades back to the registry, for chats that came from it, so the next run sends to
 * the new chat directly. Returns one line per upgrade for the door to print.
 */
export async function persistMigrations({resolved, migrations}: BotSession): Promise<string[]> {
  const notes: string[] = []
  for (const {from, to} of migrations.entries()) {
    const fromRegistry = resolved.chats.value.some((target) => target.fromRegistry && String(target.chatId) === from)
    if (fromRegistry && resolved.registry && resolved.name) {
      // The message went out: a registry that cannot be written (read-only, a directory not ours) is a warning,
      // never the exit code of a delivered run.
      const unwritten = await replaceChatId(resolved.registry, resolved.name, from, to).then(() => undefined, errorMessage)
      notes.push(
        unwritten === undefined
          ? `chat ${from} was upgraded to a supergroup; now ${to} (updated in ${resolved.registry.display})`
          : `chat ${from} was upgraded to a supergroup; now ${to}: ${unwritten}: use the new id from now on`,
      )
    } else {
      notes.push(`chat ${from} was upgraded to a supergroup; now ${to}: use the new id from now on`)
    }
  }
  return notes
}
