// Link tokens and linked chats (`webhook link-token`, `/link TOKEN`, `/stop`) as documents of the store's
// key-value part, so that every host of a fleet sees one set (Redis) and the user's config file holds no runtime
// state. Two kinds of key:
//   links/tokens/<sha256>   one per token (never the token itself), gone a week after it was used or expired
//   links/chats             every linked chat, each naming the bot it linked through: one read for an alert, for
//                           /status or a button press, for `webhook links` (a handful of chats, changed by people)
// Registries written by earlier versions keep both in `links:`/`linked_chats:`: the first use moves them here.
import type {LinkedChat, LinkTokenEntry} from '../config/legacy-links.js'
import type {RegistryLocation} from '../config/paths.js'
import type {KeyValueStore, Versioned} from './types.js'

export type {LinkedChat, LinkTokenEntry} from '../config/legacy-links.js'

const TOKENS = 'links/tokens/'
export const LINKED_CHATS_KEY = 'links/chats'
/** A document written by another host between our read and our write is read again, this many times at most. */
const MAX_ATTEMPTS = 20

interface ChatsDocument {
  chats: LinkedChat[]
}

export interface LinkStoreOptions {
  /** The store's key-value part (Redis falling back to files for a fleet, else the state dir's files). */
  kv: KeyValueStore
  /** Where the store keeps them, for the comment left in the registry: the state dir, or the Redis URL (masked). */
  target: string
  /** The registry whose old `links:`/`linked_chats:` sections are moved here on first use. @default none */
  registry?: RegistryLocation
  /**
   * The configured backend itself, for the move: undefined while Redis is unreachable (the move then waits for a
   * run that reaches it, rather than landing on one host's fallback files). @default `kv`
   */
  moveInto?: () => Promise<KeyValueStore | undefined>
}

/** What a chat edit returns: the chats to store, or undefined to leave them as they are, and a result. */
export interface ChatsEdit<T> {
  chats?: LinkedChat[]
  result: T
}

/** Bot names ignore case; undefined (a bot known only by its token) is a bot of its own. */
const sameBot = (a: string | undefined, b: string | undefined) => (a === undefined) === (b === undefined) && a?.toLowerCase() === b?.toLowerCase()

export const linkTokenKey = (sha256: string) => `${TOKENS}${sha256}`

/** Used and expired tokens are kept this long, so that a late `/link` hears "already used", not "unknown". */
export const KEEP_SPENT_TOKENS_MS = 7 * 24 * 3600 * 1000

/** How long from `now` a token's document is kept: a week after it was used, else a week after it expires. */
export function tokenKeepMs(entry: LinkTokenEntry, now: number): number {
  return Date.parse(entry.used_at ?? entry.expires_at) + KEEP_SPENT_TOKENS_MS - now
}

export class LinkStore {
  readonly target: string
  readonly #kv: KeyValueStore
  readonly #registry: RegistryLocation | undefined
  readonly #moveInto: () => Promise<KeyValueStore | undefined>
  #moved: Promise<void> | undefined

  constructor(options: LinkStoreOptions) {
    this.#kv = options.kv
    this.target = options.target
    this.#registry = options.registry
    this.#moveInto = options.moveInto ?? (async () => options.kv)
  }

  /** A token by the sha256 of its text, with the version `spendToken` needs. */
  async token(sha256: string): Promise<Versioned<LinkTokenEntry> | undefined> {
    await this.#moveOnce()
    return this.#kv.get<LinkTokenEntry>(linkTokenKey(sha256))
  }

  /** Stores a new token; it disappears `keepMs` after now (its expiry plus a week). */
  async addToken(entry: LinkTokenEntry, keepMs: number): Promise<void> {
    await this.#moveOnce()
    await this.#kv.compareAndSet(linkTokenKey(entry.sha256), 0, entry, {ttlMs: keepMs})
  }

  /** Removes what is left of tokens a week past their use or expiry (the file store keeps their files until then). */
  async removeExpiredTokens(): Promise<void> {
    await this.#kv.removeExpired(TOKENS)
  }

  /**
   * Marks a token spent, if nobody else did since it was read at `version`: of two `/link`s of one token at once,
   * exactly one gets true.
   */
  async spendToken(spent: LinkTokenEntry, version: number, keepMs: number): Promise<boolean> {
    const written = await this.#kv.compareAndSet(linkTokenKey(spent.sha256), version, spent, {ttlMs: keepMs})
    return written.ok
  }

  /** The chats linked through `bot` (any case), or through every bot when `bot` is not given; in the order they linked. */
  async chats(options: {bot?: string} = {}): Promise<LinkedChat[]> {
    await this.#moveOnce()
    const chats = (await this.#kv.get<ChatsDocument>(LINKED_CHATS_KEY))?.value.chats ?? []
    return options.bot === undefined ? chats : chats.filter((linked) => sameBot(linked.bot, options.bot))
  }

  /** The chats that linked themselves to `channel` through `bot`: what an alert on that channel adds. */
  async chatsFor(channel: string, bot: string): Promise<LinkedChat[]> {
    const wanted = channel.toLowerCase()
    return (await this.chats({bot})).filter((linked) => linked.channels.includes(wanted))
  }

  /** Changes the chats linked through `bot`, read again and retried when another run changed them meanwhile. */
  async editChats<T>(bot: string | undefined, edit: (chats: readonly LinkedChat[]) => ChatsEdit<T>): Promise<T> {
    await this.#moveOnce()
    return editChatsIn(this.#kv, bot, edit)
  }

  /**
   * Moves the registry's old sections here, once per process: only when the registry still holds them (known
   * from the parse every run does anyway), under the registry's lock, so that two runs at once move them once.
   */
  #moveOnce(): Promise<void> {
    this.#moved ??= this.#moveFromRegistry().catch((error: unknown) => {
      this.#moved = undefined
      throw error
    })
    return this.#moved
  }

  async #moveFromRegistry(): Promise<void> {
    if (this.#registry === undefined) return
    const {loadRegistry} = await import('../config/registry-file.js')
    if (!(await loadRegistry(this.#registry)).legacyLinks) return
    const into = await this.#moveInto()
    if (into === undefined) return
    const {moveRegistryLinks} = await import('./move-registry-links.js')
    await moveRegistryLinks(into, this.#registry, this.target)
  }
}

/**
 * `LinkStore.editChats` on a key-value store: `edit` sees the chats of `bot` only, and the others stay where they
 * are. Compare-and-set, read again when another writer came first.
 */
export async function editChatsIn<T>(kv: KeyValueStore, bot: string | undefined, edit: (chats: readonly LinkedChat[]) => ChatsEdit<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const current = await kv.get<ChatsDocument>(LINKED_CHATS_KEY)
    const all = current?.value.chats ?? []
    const {chats, result} = edit(all.filter((linked) => sameBot(linked.bot, bot)))
    if (chats === undefined) return result
    // No compare-and-delete: when the last chat leaves, an empty list stays, which reads as no chats.
    if ((await kv.compareAndSet<ChatsDocument>(LINKED_CHATS_KEY, current?.version ?? 0, {chats: replaceBotChats(all, bot, chats)})).ok) return result
    if (attempt >= MAX_ATTEMPTS) throw new Error(`linked chats of ${bot ?? 'the unnamed bot'}: changed by other runs ${MAX_ATTEMPTS} times in a row`)
  }
}

/** `all` with the chats of `bot` replaced by `chats`, at the place of the first of them (else at the end). */
function replaceBotChats(all: readonly LinkedChat[], bot: string | undefined, chats: readonly LinkedChat[]): LinkedChat[] {
  const first = all.findIndex((linked) => sameBot(linked.bot, bot))
  const others = all.filter((linked) => !sameBot(linked.bot, bot))
  const at = first < 0 ? others.length : all.slice(0, first).filter((linked) => !sameBot(linked.bot, bot)).length
  return [...others.slice(0, at), ...chats, ...others.slice(at)]
}
