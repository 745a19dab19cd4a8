// The webhook's two top-level sections of the bots registry file, next to `bots:` (the schema keeps unknown
// top-level keys): `links:` (one-time link tokens, stored as sha256 only) and `linked_chats:` (chats that /link-ed).
// Checked by hand, not with zod: the alert path reads `linked_chats` on every run.
import type {Document, YAMLMap, YAMLSeq} from 'yaml'

import {realTarget, writeFileAtomic} from '../support/atomic-write.js'
import {type LockOptions, withFileLock} from './file-lock.js'
import {locate, preview} from './issues.js'
import {type RegistryLocation, toLocation} from './paths.js'
import {parseRegistryText, readRegistryText, rememberRegistry} from './registry-file.js'
import {ParsedFileCache} from '../support/file-signature.js'
import {UserError} from '../user-error.js'

/** One link token, as `webhook link-token` stored it. */
export interface LinkTokenEntry {
  /** Hex sha256 of the token: the file never holds a token someone could use. */
  sha256: string
  /** The bot whose chats may use it (registry or TELEGRAM_BOT_CONFIGS name); any bot when absent. */
  bot?: string
  channels: string[]
  /** ISO 8601 UTC. */
  created_at: string
  expires_at: string
  /** Set when a chat used it: tokens work once. */
  used_at?: string
  used_by_chat?: number
}

/** A chat that linked itself with `/link TOKEN` and receives the token's channels. */
export interface LinkedChat {
  chat_id: number
  /** The bot the chat linked through: Telegram lets only that bot write to a private chat. */
  bot?: string
  channels: string[]
  linked_at: string
  /** `@username (id 4242)` of whoever sent /link. */
  linked_by?: string
  /** The chat's title or name when it linked, for people reading the file. */
  title?: string
}

export interface RegistrySections {
  links: LinkTokenEntry[]
  linkedChats: LinkedChat[]
}

const CHANNEL = /^[a-z][a-z0-9_.-]{0,63}$/

type Fields = Record<string, unknown>
const isRecord = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value)

class SectionReader {
  constructor(private readonly display: string) {}

  fail(path: Array<string | number>, expected: string, value: unknown): never {
    const got = value === undefined ? '' : `, got ${preview(value)}`
    throw new UserError(`${locate(this.display, path)}: ${expected}${got}`)
  }

  list(json: Fields, key: string): Fields[] {
    const value = json[key]
    if (value === undefined || value === null) return []
    if (!Array.isArray(value)) this.fail([key], 'expected a list', value)
    return value.map((item, index) => (isRecord(item) ? item : this.fail([key, index], 'expected a mapping', item)))
  }

  text(item: Fields, path: Array<string | number>, key: string, optional = false): string | undefined {
    const value = item[key]
    if ((value === undefined || value === null) && optional) return undefined
    if (typeof value !== 'string' || value === '') return this.fail([...path, key], 'expected a string', value)
    return value
  }

  integer(item: Fields, path: Array<string | number>, key: string, optional = false): number | undefined {
    const value = item[key]
    if ((value === undefined || value === null) && optional) return undefined
    if (!Number.isSafeInteger(value)) return this.fail([...path, key], 'expected an integer', value)
    return value as number
  }

  channels(item: Fields, path: Array<string | number>): string[] {
    const value = item.channels
    if (!Array.isArray(value) || value.length === 0 || !value.every((name) => typeof name === 'string' && CHANNEL.test(name))) {
      return this.fail([...path, 'channels'], 'expected a list of channel names like [alerts, digest]', value)
    }
    return value as string[]
  }
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T
}

/** Validates the two sections of a parsed registry file; throws one line naming the file and the field. */
export function parseSections(json: unknown, display: string): RegistrySections {
  if (!isRecord(json)) return {links: [], linkedChats: []}
  const read = new SectionReader(display)
  const links = read.list(json, 'links').map((item, index) => {
    const path = ['links', index]
    const sha256 = read.text(item, path, 'sha256')!
    if (!/^[0-9a-f]{64}$/.test(sha256)) read.fail([...path, 'sha256'], 'expected 64 hex digits', sha256)
    return definedOnly<LinkTokenEntry>({
      sha256,
      bot: read.text(item, path, 'bot', true),
      channels: read.channels(item, path),
      created_at: read.text(item, path, 'created_at')!,
      expires_at: read.text(item, path, 'expires_at')!,
      used_at: read.text(item, path, 'used_at', true),
      used_by_chat: read.integer(item, path, 'used_by_chat', true),
    })
  })
  const linkedChats = read.list(json, 'linked_chats').map((item, index) => {
    const path = ['linked_chats', index]
    return definedOnly<LinkedChat>({
      chat_id: read.integer(item, path, 'chat_id')!,
      bot: read.text(item, path, 'bot', true),
      channels: read.channels(item, path),
      linked_at: read.text(item, path, 'linked_at')!,
      linked_by: read.text(item, path, 'linked_by', true),
      title: read.text(item, path, 'title', true),
    })
  })
  return {links, linkedChats}
}

/** Reads the sections without a lock (readers see the old file or the new one: writes are atomic). */
// `webhook serve` reads the sections on every /status and button press, for days: parse each version of the file once.
const sectionsCache = new ParsedFileCache<RegistrySections>()

/**
 * The registry's `links:` and `linked_chats:` sections; empty when the file does not exist. Parsed again only when
 * the file changed (path, inode, mtime, size). Callers must not change what it returns: it is shared.
 */
export function readSections(file: RegistryLocation | string): Promise<RegistrySections> {
  const location = toLocation(file)
  return sectionsCache.get(location.path, () => parseSectionsOf(location), location.display)
}

async function parseSectionsOf(location: RegistryLocation): Promise<RegistrySections> {
  const current = await readRegistryText(location)
  if (current === undefined) return {links: [], linkedChats: []}
  const {parseDocument, toPlainData} = await import('./yaml-lib.js')
  const doc = parseDocument(current.text, {uniqueKeys: true})
  if (doc.errors.length > 0) throw new UserError(`${location.display}: YAML syntax error: ${doc.errors[0]!.message.split('\n')[0]}`)
  return parseSections(toPlainData(doc, location.display), location.display)
}

export interface SectionEdit<T> {
  result: T
  /** The sections to write, or undefined to leave the file alone. */
  next?: RegistrySections
}

function setSection(doc: Document, key: string, items: object[]): void {
  if (items.length === 0) {
    doc.delete(key)
    return
  }
  const node = doc.createNode(items) as YAMLSeq
  for (const item of node.items as YAMLMap[]) {
    const channels = item.get('channels', true) as YAMLSeq | undefined
    if (channels) channels.flow = true
  }
  doc.set(key, node)
}

/**
 * Changes the sections under the registry's own lock (the one `bots add` and friends take), re-reading the file
 * first, so that two `/link`s of the same token cannot both win. Comments elsewhere in the file survive.
 */
export async function editSections<T>(
  file: RegistryLocation | string,
  edit: (sections: RegistrySections) => SectionEdit<T> | Promise<SectionEdit<T>>,
  lock?: LockOptions,
): Promise<T> {
  const location = toLocation(file)
  const target = await realTarget(location.path)
  return withFileLock(
    `${target}.lock`,
    location.display,
    async () => {
      const current = await readRegistryText({...location, path: target})
      const {doc, revalidate} = await parseRegistryText(current?.text ?? '', location)
      const {result, next} = await edit(parseSections(doc.toJS(), location.display))
      if (next === undefined) return result
      setSection(doc, 'links', next.links)
      setSection(doc, 'linked_chats', next.linkedChats)
      const bots = revalidate()
      await writeFileAtomic(target, doc.toString({flowCollectionPadding: false, lineWidth: 0}))
      rememberRegistry({location, exists: true, bots, warnings: []})
      return result
    },
    lock,
  )
}
