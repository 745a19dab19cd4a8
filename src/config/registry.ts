import type {Document, YAMLMap, YAMLSeq} from 'yaml'
import {UserError} from '../user-error.js'
import {type ChatId, sameChatId} from './chat-id.js'
import {type BotSelector, findRegistryBot} from './find-bot.js'
import {type EditOptions, editRegistry, type YamlModule} from './edit-registry.js'
import type {RegistryLocation} from './paths.js'
import type {RegistryBot} from './registry-file.js'
import type {ChatType} from './constants.js'
import type {BotInfo} from './schema.js'

export {type BotSelector, findRegistryBot} from './find-bot.js'
export type {EditOptions} from './edit-registry.js'
export {loadCurrentRegistry, loadRegistry, forgetLoadedRegistries, type LoadedRegistry, type RegistryBot} from './registry-file.js'

/** A bot to add. Keys mirror the YAML file. */
export interface NewBot {
  name: string
  /** @default the highest id in the file plus one */
  id?: number
  /** A literal token, `${ENV_VAR}` or `keychain:<account>`. */
  token: string
  /** @default [] */
  chat_ids?: ChatId[]
  chat_type?: ChatType
  message_thread_id?: number
  /** @default true */
  active?: boolean
  info?: BotInfo
}

/** Fields to change: a missing or `undefined` field stays as it is, `null` removes the key. */
export type BotPatch = {[Key in keyof NewBot]?: NewBot[Key] | null}

const KEY_ORDER: (keyof NewBot)[] = [
  'name',
  'id',
  'token',
  'chat_ids',
  'chat_type',
  'message_thread_id',
  'active',
  'info',
]

function requireBot(bots: readonly RegistryBot[], selector: BotSelector, location: RegistryLocation): RegistryBot {
  const bot = findRegistryBot(bots, selector)
  if (!bot) throw new UserError(`unknown bot "${selector}": not in ${location.display}`)
  return bot
}

function botsSequence(doc: Document): YAMLSeq {
  const existing = doc.get('bots', true) as YAMLSeq | undefined
  if (existing && Array.isArray(existing.items) && existing.items.length > 0) return existing
  const fresh = doc.createNode([]) as YAMLSeq
  doc.set('bots', fresh)
  // `bots: # none yet` (or `bots: [] # none yet`): the comment is the empty value's, which is replaced; it stays on
  // the `bots:` line as the key's.
  const key = (doc.contents as YAMLMap | null)?.items.find((pair) => (pair.key as {value?: unknown} | null)?.value === 'bots')?.key as
    | {comment?: string | null}
    | undefined
  if (existing?.comment && key && !key.comment) key.comment = existing.comment
  return fresh
}

function botMap(doc: Document, bot: RegistryBot): YAMLMap {
  return doc.getIn(['bots', bot.index], true) as YAMLMap
}

// Scalars are set as plain values so that YAML keeps the comment after them; lists and maps become new nodes.
function setField(doc: Document, map: YAMLMap, key: keyof NewBot, value: unknown): void {
  if (value === null) {
    map.delete(key)
    return
  }
  if (typeof value !== 'object') {
    map.set(key, value)
    return
  }
  const node = doc.createNode(value)
  if (key === 'chat_ids') (node as YAMLSeq).flow = true
  map.set(key, node)
}

function checkUnique(
  bots: readonly RegistryBot[],
  fields: BotPatch,
  location: RegistryLocation,
  self?: RegistryBot,
): void {
  const others = bots.filter((bot) => bot !== self)
  const name = fields.name?.toLowerCase()
  const sameName = name ? others.find((bot) => bot.name.toLowerCase() === name) : undefined
  if (sameName) {
    throw new UserError(`bot "${sameName.name}" already exists in ${location.display} (bots[${sameName.index}])`)
  }
  const sameId = typeof fields.id === 'number' ? others.find((bot) => bot.id === fields.id) : undefined
  if (sameId) throw new UserError(`id ${fields.id} is taken by bot "${sameId.name}" in ${location.display}`)
}

export interface AddBotOptions extends EditOptions {
  /**
   * Makes the token value once the name is known to be free, under the registry's lock (a literal stored in the
   * keychain): two adds of one name at once, the refused one has stored nothing, so it has nothing to take back.
   * `bots` are the registry's bots as the lock found them. Overrides `bot.token`.
   */
  tokenFor?: (bots: readonly RegistryBot[]) => Promise<string>
}

/** Adds a bot at the end of the registry (creating the file if needed) and returns it as stored. */
export function addBot(file: RegistryLocation | string, bot: NewBot, options: AddBotOptions = {}): Promise<RegistryBot> {
  const {tokenFor, ...editOptions} = options
  return editRegistry(
    file,
    async ({doc, bots, location, revalidate}) => {
      checkUnique(bots, bot, location)
      const id = bot.id ?? Math.max(0, ...bots.map((existing) => existing.id ?? 0)) + 1
      const token = tokenFor ? await tokenFor(bots) : bot.token
      const fields: NewBot = {...bot, id, token, chat_ids: bot.chat_ids ?? [], active: bot.active ?? true}
      const ordered = Object.fromEntries(
        KEY_ORDER.filter((key) => fields[key] !== undefined).map((key) => [key, fields[key]]),
      )
      const node = doc.createNode(ordered) as YAMLMap
      ;(node.get('chat_ids', true) as unknown as YAMLSeq).flow = true
      const sequence = botsSequence(doc)
      node.spaceBefore = (sequence.items.at(-1) as YAMLMap | undefined)?.spaceBefore
      sequence.items.push(node)
      const added = revalidate().at(-1)!
      return {result: added, changed: true}
    },
    {...editOptions, create: true},
  )
}

/** Removes a bot; returns it as it was. */
export function removeBot(
  file: RegistryLocation | string,
  selector: BotSelector,
  options: EditOptions = {},
): Promise<RegistryBot> {
  return editRegistry(
    file,
    ({doc, bots, location}) => {
      const bot = requireBot(bots, selector, location)
      const sequence = doc.get('bots', true) as YAMLSeq
      sequence.delete(bot.index)
      // A blank line between the list's leading comment and its new first bot would be left hanging.
      const newFirst = sequence.items[0] as YAMLMap | undefined
      if (bot.index === 0 && newFirst) newFirst.spaceBefore = false
      return {result: bot, changed: true}
    },
    options,
  )
}

/** Changes fields of a bot (e.g. `info` cached by `bots sync-info`); returns the bot as stored. */
export function updateBot(
  file: RegistryLocation | string,
  selector: BotSelector,
  patch: BotPatch,
  options: EditOptions = {},
): Promise<RegistryBot> {
  return changeBot(file, selector, {patch}, options)
}

/** Enables or disables a bot. A disabled bot is skipped by resolution. */
export function setActive(
  file: RegistryLocation | string,
  selector: BotSelector,
  active: boolean,
  options: EditOptions = {},
): Promise<RegistryBot> {
  return updateBot(file, selector, {active}, options)
}

// Changing the scalar in place keeps a comment written after it; a quoted "-100123" becomes a plain number.
function replaceItem(yaml: YamlModule, doc: Document, list: YAMLSeq, position: number, value: ChatId): void {
  const item = list.items[position]
  if (!yaml.isScalar(item)) {
    list.set(position, doc.createNode(value))
    return
  }
  item.value = value
  if (typeof value === 'number') item.type = undefined
}

/** The bot's `chat_ids` as a YAML list: a `"123,456"` string or a single id (forms old configs hold) becomes one. */
function chatIdSequence(yaml: YamlModule, doc: Document, map: YAMLMap, bot: RegistryBot): YAMLSeq {
  const node = map.get('chat_ids', true)
  if (yaml.isSeq(node)) return node
  const list = doc.createNode(bot.chat_ids) as YAMLSeq
  list.flow = true
  // The comment beside the old value (`chat_ids: "1,2"  # ops + ana`) stays beside the list.
  if (yaml.isScalar(node) && node.comment) list.comment = node.comment
  map.set('chat_ids', list)
  return list
}

function replaceInInfo(doc: Document, map: YAMLMap, oldId: ChatId, newId: ChatId): void {
  const chats = map.getIn(['info', 'chats'], true) as YAMLMap | undefined
  if (!chats || !Array.isArray(chats.items)) return
  for (const pair of chats.items) {
    const key = pair.key as {value?: unknown} | null
    if (key && (typeof key.value === 'string' || typeof key.value === 'number') && sameChatId(key.value, oldId)) {
      pair.key = doc.createNode(newId)
    }
  }
}

/** What one `bots update` changes: fields (a rename, a token, a topic), and chats added or removed in place. */
export interface BotChange {
  patch?: BotPatch
  /** Appended to `chat_ids` unless already listed. */
  addChats?: readonly ChatId[]
  /** Taken out of `chat_ids` (and out of the cached `info.chats`) when listed. */
  removeChats?: readonly ChatId[]
}

/**
 * Applies a `BotChange` in one locked edit, touching only the lines it changes: a flow list `[1, 2]` stays one, a
 * block list stays a block, and comments beside untouched items stay. Returns the bot as stored.
 */
export function changeBot(
  file: RegistryLocation | string,
  selector: BotSelector,
  change: BotChange,
  options: EditOptions = {},
): Promise<RegistryBot> {
  return editRegistry(
    file,
    ({doc, bots, location, yaml, revalidate}) => {
      const bot = requireBot(bots, selector, location)
      const patch = change.patch ?? {}
      checkUnique(bots, patch, location, bot)
      const map = botMap(doc, bot)
      const listed = (id: ChatId) => bot.chat_ids.some((chatId) => sameChatId(chatId, id))
      const removing = bot.chat_ids.flatMap((chatId, position) => (change.removeChats?.some((id) => sameChatId(id, chatId)) ? [position] : []))
      const adding = (change.addChats ?? []).filter((id, index, all) => !listed(id) && all.findIndex((other) => sameChatId(other, id)) === index)
      if (removing.length > 0 || adding.length > 0) {
        const list = chatIdSequence(yaml, doc, map, bot)
        // From the end, so that the positions still to delete stay where they were.
        for (const position of removing.reverse()) {
          list.delete(position)
          dropFromInfo(map, bot.chat_ids[position]!)
        }
        for (const id of adding) list.add(doc.createNode(id))
      }
      const keys = KEY_ORDER.filter((key) => patch[key] !== undefined)
      for (const key of keys) setField(doc, map, key, patch[key])
      const changed = keys.length > 0 || removing.length > 0 || adding.length > 0
      return {result: changed ? revalidate()[bot.index]! : bot, changed}
    },
    options,
  )
}

function dropFromInfo(map: YAMLMap, chatId: ChatId): void {
  const chats = map.getIn(['info', 'chats'], true) as YAMLMap | undefined
  if (!chats || !Array.isArray(chats.items)) return
  chats.items = chats.items.filter((pair) => {
    const key = (pair.key as {value?: unknown} | null)?.value
    return !((typeof key === 'string' || typeof key === 'number') && sameChatId(key, chatId))
  })
}

/**
 * Rewrites one chat id of a bot, e.g. when Telegram reports that a group became a supergroup
 * (`migrate_to_chat_id`), so that alerts keep flowing. Returns false when the bot has no such chat id.
 * If the new id is already listed, the old one is just removed.
 */
export function replaceChatId(
  file: RegistryLocation | string,
  botName: BotSelector,
  oldId: ChatId,
  newId: ChatId,
  options: EditOptions = {},
): Promise<boolean> {
  return editRegistry(
    file,
    ({doc, bots, location, yaml}) => {
      const bot = requireBot(bots, botName, location)
      const position = bot.chat_ids.findIndex((chatId) => sameChatId(chatId, oldId))
      if (position < 0) return {result: false, changed: false}
      const map = botMap(doc, bot)
      const list = chatIdSequence(yaml, doc, map, bot)
      if (bot.chat_ids.some((chatId) => sameChatId(chatId, newId))) list.delete(position)
      else replaceItem(yaml, doc, list, position, newId)
      replaceInInfo(doc, map, oldId, newId)
      return {result: true, changed: true}
    },
    options,
  )
}
