// Versions before the state store kept link tokens and linked chats in the bots registry file, in two top-level
// sections beside `bots:` (`links:` and `linked_chats:`). They are runtime state, not configuration: the first run
// that needs them moves them into the store and leaves a comment in their place.
import type {Document, YAMLMap} from 'yaml'

import {UserError} from '../user-error.js'
import {LEGACY_LINK_SECTIONS} from './constants.js'
import {editRegistry} from './edit-registry.js'
import {describeZodError} from './issues.js'
import {type RegistryLocation, toLocation} from './paths.js'
import {holdsLegacyLinks} from './registry-file.js'

/** One link token, as `webhook link-token` stores it. */
export interface LinkTokenEntry {
  /** Hex sha256 of the token: nothing holds a token someone could use. */
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
  /** The chat's title or name when it linked, for people reading a listing. */
  title?: string
}

export interface LegacyLinkSections {
  links: LinkTokenEntry[]
  linkedChats: LinkedChat[]
}

function definedOnly<T>(value: object): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T
}

/**
 * Under the registry's lock (the one every registry edit takes), reads the two sections, hands them to `keep` (which
 * stores them), then removes them from the file with `comment` where they were; the rest of the file keeps its
 * lines and comments. Returns what was moved, or undefined when the file holds neither section (another run moved
 * them first). A malformed section is one line naming the file and the field, and the file is left as it is.
 */
export function moveLegacyLinkSections(
  file: RegistryLocation | string,
  keep: (sections: LegacyLinkSections) => Promise<void>,
  comment: string,
): Promise<LegacyLinkSections | undefined> {
  const location = toLocation(file)
  return editRegistry<LegacyLinkSections | undefined>(
    location,
    async ({doc, yaml}) => {
      if (!holdsLegacyLinks(doc)) return {result: undefined, changed: false}
      const json = yaml.toPlainData(doc, location.display)
      const {legacyLinkSectionsSchema} = await import('./schema.js')
      const parsed = legacyLinkSectionsSchema.safeParse(json)
      if (!parsed.success) throw new UserError(describeZodError(location.display, parsed.error, json))
      const sections = {
        links: parsed.data.links.map((link) => definedOnly<LinkTokenEntry>(link)),
        linkedChats: parsed.data.linked_chats.map((linked) => definedOnly<LinkedChat>(linked)),
      }
      await keep(sections)
      replaceSectionsWithComment(doc, comment)
      return {result: sections, changed: true}
    },
    {writeReadOnly: true},
  )
}

/** Drops both sections; the comment goes before the key that followed the first of them, else at the end. */
function replaceSectionsWithComment(doc: Document, comment: string): void {
  const map = doc.contents as YAMLMap
  const keyOf = (pair: (typeof map.items)[number]) => (pair.key as {value?: unknown} | null)?.value
  const isSection = (pair: (typeof map.items)[number]) => (LEGACY_LINK_SECTIONS as readonly unknown[]).includes(keyOf(pair))
  const first = map.items.findIndex(isSection)
  map.items = map.items.filter((pair) => !isSection(pair))
  const next = map.items[first]?.key as {commentBefore?: string | null; spaceBefore?: boolean} | undefined
  const line = ` ${comment}`
  if (next === undefined) {
    doc.comment = doc.comment ? `${doc.comment}\n${line}` : line
    return
  }
  next.commentBefore = next.commentBefore ? `${line}\n${next.commentBefore}` : line
  next.spaceBefore = true
}
