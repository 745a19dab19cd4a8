import type {Document, YAMLMap, YAMLSeq} from 'yaml'
import {UserError} from '../user-error.js'
import {realTarget, writeFileAtomic} from '../support/atomic-write.js'
import {type ChatId, sameChatId} from './chat-id.js'
import {type BotSelector, findRegistryBot} from './find-bot.js'
import {type LockOptions, withFileLock} from './file-lock.js'
import {type RegistryLocation, toLocation} from './paths.js'
import {missingRegistryError, type RegistryBot, parseRegistryText, readRegistryText, rememberRegistry} from './registry-file.js'
import type {ChatType} from './constants.js'
import type {BotInfo} from './schema.js'

export {type BotSelector, findRegistryBot} from './find-bot.js'
export {loadRegistry, forgetLoadedRegistries, type LoadedRegistry, type RegistryBot} from './registry-file.js'

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

export interface EditOptions {
  lock?: LockOptions
}

interface EditRegistryOptions extends EditOptions {
  /** Only adding a bot may create a named file (and its directories); other edits of a missing one are refused. */
  create?: boolean
}

const NEW_FILE = '# fastpay-tg bots registry. A token is a literal, ${ENV_VAR} or keychain:<account>.\nbots:\n'
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

// `yaml` is only ever imported lazily: resolution must not pay for it.
type YamlModule = typeof import('./yaml-lib.js')

interface Edit<T> {
  result: T
  changed: boolean
}

interface EditContext {
  doc: Document
  bots: RegistryBot[]
  location: RegistryLocation
  yaml: YamlModule
  /** Validates the edited document: throws a one-line UserError, or returns its bots. */
  revalidate: () => RegistryBot[]
}

/**
 * Re-reads the file under the lock, applies `edit` to its YAML document (so comments and layout survive),
 * validates the outcome and writes it atomically with mode 0600.
 */
async function editRegistry<T>(
  file: RegistryLocation | string,
  edit: (context: EditContext) => Edit<T>,
  options: EditRegistryOptions,
): Promise<T> {
  const location = toLocation(file)
  const target = await realTarget(location.path)
  return lockAndEdit(location, target, edit, options).catch((error: unknown) => {
    // A read-only or full disk, a directory we may not enter: one line naming the file, not a stack trace.
    const code = (error as NodeJS.ErrnoException | undefined)?.code
    if (error instanceof UserError || typeof code !== 'string') throw error
    throw new UserError(`${location.display}: cannot write (${code})`)
  })
}

function lockAndEdit<T>(
  location: RegistryLocation,
  target: string,
  edit: (context: EditContext) => Edit<T>,
  options: EditRegistryOptions,
): Promise<T> {
  return withFileLock(
    `${target}.lock`,
    location.display,
    async () => {
      const current = await readRegistryText({...location, path: target})
      if (!current && location.explicit && !options.create) throw missingRegistryError(location)
      const {doc, bots, revalidate} = await parseRegistryText(current?.text ?? NEW_FILE, location)
      const {result, changed} = edit({doc, bots, location, yaml: await import('./yaml-lib.js'), revalidate})
      if (!changed) return result
      const edited = revalidate()
      await writeFileAtomic(target, doc.toString({flowCollectionPadding: false, lineWidth: 0}))
      rememberRegistry({location, exists: true, bots: edited, warnings: []})
      return result
    },
    options.lock,
  )
}

function botsSequence(doc: Document): YAMLSeq {
  const existing = doc.get('bots', true) as YAMLSeq | undefined
  if (existing && Array.isArray(existing.items) && existing.items.length > 0) return existing
  const fresh = doc.createNode([]) as YAMLSeq
  doc.set('bots', fresh)
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

/** Adds a bot at the end of the registry (creating the file if needed) and returns it as stored. */
export function addBot(file: RegistryLocation | string, bot: NewBot, options: EditOptions = {}): Promise<RegistryBot> {
  return editRegistry(
    file,
    ({doc, bots, location, revalidate}) => {
      checkUnique(bots, bot, location)
      const id = bot.id ?? Math.max(0, ...bots.map((existing) => existing.id ?? 0)) + 1
      const fields: NewBot = {...bot, id, chat_ids: bot.chat_ids ?? [], active: bot.active ?? true}
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
    {...options, create: true},
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
  return editRegistry(
    file,
    ({doc, bots, location, revalidate}) => {
      const bot = requireBot(bots, selector, location)
      checkUnique(bots, patch, location, bot)
      const map = botMap(doc, bot)
      const keys = KEY_ORDER.filter((key) => patch[key] !== undefined)
      for (const key of keys) setField(doc, map, key, patch[key])
      const updated = revalidate()[bot.index]!
      return {result: updated, changed: keys.length > 0}
    },
    options,
  )
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
