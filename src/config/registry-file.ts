import {open, stat} from 'node:fs/promises'
import {resolve} from 'node:path'
import type {Document} from 'yaml'
import {redact} from '../redact.js'
import {fileSignature} from '../support/file-signature.js'
import {UserError} from '../user-error.js'
import {describeZodError} from './issues.js'
import {type RegistryLocation, toLocation} from './paths.js'
import {acceptRegistryData} from './plain-registry.js'
import {readPlainYaml} from './plain-yaml.js'
import {ENV_REFERENCE, KEYCHAIN_PREFIX, LEGACY_LINK_SECTIONS} from './constants.js'
import type {RegistryBotFields} from './schema.js'

/** A validated bot of the registry file, with its position in the `bots` list. */
export interface RegistryBot extends RegistryBotFields {
  /** Position in the file's `bots` list: `bots[0]`. */
  index: number
}

export interface LoadedRegistry {
  location: RegistryLocation
  /** False when the default file does not exist: that is an empty registry. A named file must exist. */
  exists: boolean
  bots: RegistryBot[]
  /** Lines for the doors to print, such as the permissions warning. */
  warnings: string[]
  /** The file still holds `links:` or `linked_chats:`, which the state store takes over (see legacy-links.ts). */
  legacyLinks?: boolean
}

/** Whether a registry document still holds the link sections older versions kept in it. */
export function holdsLegacyLinks(doc: Document): boolean {
  return LEGACY_LINK_SECTIONS.some((key) => doc.has(key))
}

/** A literal token, as opposed to `${ENV_VAR}` or `keychain:<account>`. */
export function isLiteralToken(token: string): boolean {
  return !ENV_REFERENCE.test(token) && !token.startsWith(KEYCHAIN_PREFIX)
}

type YamlError = {message: string; linePos?: [{line: number; col: number}, ...unknown[]]}

function describeYamlError(location: RegistryLocation, error: YamlError): string {
  const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
  const position = error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : ''
  return redact(`${location.display}: YAML syntax error${position}: ${reason}`)
}

type Schemas = typeof import('./schema.js')
type YamlLib = typeof import('./yaml-lib.js')

function validateDocument(yaml: YamlLib, schemas: Schemas, doc: Document, location: RegistryLocation): RegistryBot[] {
  const [syntaxError] = doc.errors
  if (syntaxError) throw new UserError(describeYamlError(location, syntaxError))
  const json: unknown = yaml.toPlainData(doc, location.display) ?? {}
  const parsed = schemas.registryFileSchema.safeParse(json)
  if (!parsed.success) throw new UserError(describeZodError(location.display, parsed.error, json))
  return numberBots(parsed.data.bots, location)
}

/** The bots with their positions; a name (ignoring case) or an id used twice is a one-line UserError. */
function numberBots(fields: RegistryBotFields[], location: RegistryLocation): RegistryBot[] {
  const bots = fields.map((bot, index) => ({...bot, index}))
  const names = new Map<string, number>()
  const ids = new Map<number, number>()
  for (const bot of bots) {
    const earlierName = names.get(bot.name.toLowerCase())
    if (earlierName !== undefined) {
      const also = `also bots[${earlierName}]; names ignore case`
      throw new UserError(`${location.display}: bots[${bot.index}].name: duplicate name "${bot.name}" (${also})`)
    }
    names.set(bot.name.toLowerCase(), bot.index)
    if (bot.id === undefined) continue
    const earlierId = ids.get(bot.id)
    if (earlierId !== undefined) {
      const also = `also bots[${earlierId}]`
      throw new UserError(`${location.display}: bots[${bot.index}].id: duplicate id ${bot.id} (${also})`)
    }
    ids.set(bot.id, bot.index)
  }
  return bots
}

/**
 * A registry in the YAML most files are written in (plain-yaml.ts) that the schema surely accepts
 * (plain-registry.ts), read without loading `yaml` or zod; undefined for any other, which `parseRegistryText` reads.
 */
function readPlainRegistry(text: string, location: RegistryLocation): {bots: RegistryBot[]; legacyLinks: boolean} | undefined {
  const data = readPlainYaml(text)
  if (data === undefined) return undefined
  const fields = acceptRegistryData(data ?? {})
  if (!fields) return undefined
  const legacyLinks = typeof data === 'object' && data !== null && LEGACY_LINK_SECTIONS.some((key) => key in data)
  return {bots: numberBots(fields, location), legacyLinks}
}

export interface ParsedRegistry {
  doc: Document
  bots: RegistryBot[]
  /** Validates `doc` again after an edit; throws a one-line UserError naming the file and field. */
  revalidate: () => RegistryBot[]
}

/** Parses and validates registry text. `yaml` and zod are imported here, lazily: most runs never need them. */
export async function parseRegistryText(text: string, location: RegistryLocation): Promise<ParsedRegistry> {
  const [yaml, schemas] = await Promise.all([import('./yaml-lib.js'), import('./schema.js')])
  const doc = yaml.parseDocument(text, {prettyErrors: true, uniqueKeys: true})
  const revalidate = () => validateDocument(yaml, schemas, doc, location)
  return {doc, bots: revalidate(), revalidate}
}

export function permissionsWarning(
  location: RegistryLocation,
  mode: number,
  bots: readonly RegistryBot[],
): string | undefined {
  if (process.platform === 'win32' || (mode & 0o077) === 0) return undefined
  if (!bots.some((bot) => isLiteralToken(bot.token))) return undefined
  return `${location.display} is readable by others and holds a literal token: chmod 600 ${location.display}`
}

/** Reads the file's text and mode; `undefined` when it does not exist. */
export async function readRegistryText(location: RegistryLocation): Promise<{text: string; mode: number; uid: number; gid: number} | undefined> {
  const cannotRead = (error: unknown) =>
    new UserError(`${location.display}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  let handle
  try {
    handle = await open(location.path, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw cannotRead(error)
  }
  try {
    const {mode, uid, gid} = await handle.stat()
    return {text: await handle.readFile('utf8'), mode, uid, gid}
  } catch (error) {
    throw cannotRead(error)
  } finally {
    await handle.close()
  }
}

/**
 * A file the user named (`--config`, `FASTPAY_TG_CONFIG`) must exist: a typo would otherwise run with no registry
 * at all, on whatever the lower layers hold. Only the default path may be absent.
 */
export function missingRegistryError(location: RegistryLocation): UserError {
  return new UserError(
    `${location.display} does not exist (named by --config or FASTPAY_TG_CONFIG): fix the path, or create it with fastpay-tg bots add`,
  )
}

/** Throws `missingRegistryError` for a named file that is not there; a stat, without reading or parsing it. */
export async function requireNamedRegistry(location: RegistryLocation): Promise<void> {
  if (!location.explicit) return
  try {
    await stat(location.path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw missingRegistryError(location)
  }
}

async function readAndValidate(location: RegistryLocation): Promise<LoadedRegistry> {
  const file = await readRegistryText(location)
  if (!file && location.explicit) throw missingRegistryError(location)
  if (!file) return {location, exists: false, bots: [], warnings: []}
  const {bots, legacyLinks} = readPlainRegistry(file.text, location) ?? (await parseFullRegistry(file.text, location))
  const warning = permissionsWarning(location, file.mode, bots)
  return {location, exists: true, bots, warnings: warning ? [warning] : [], ...(legacyLinks ? {legacyLinks: true} : {})}
}

async function parseFullRegistry(text: string, location: RegistryLocation): Promise<{bots: RegistryBot[]; legacyLinks: boolean}> {
  const {doc, bots} = await parseRegistryText(text, location)
  return {bots, legacyLinks: holdsLegacyLinks(doc)}
}

// Each door resolves once per run, but a run may ask several times (resolve, then list): read the file once.
const loaded = new Map<string, Promise<LoadedRegistry>>()

function cacheKey(location: RegistryLocation): string {
  return `${resolve(location.path)}\n${location.display}`
}

/**
 * Loads and validates the bots registry. A missing default file is an empty registry; a missing named one
 * (`--config`, `FASTPAY_TG_CONFIG`) is a one-line UserError. The result is kept for the rest of
 * the process (edits through registry.ts refresh it); call `forgetLoadedRegistries` to read the file again.
 */
export function loadRegistry(file: RegistryLocation | string): Promise<LoadedRegistry> {
  const location = toLocation(file)
  const key = cacheKey(location)
  let pending = loaded.get(key)
  if (!pending) {
    pending = readAndValidate(location)
    pending.catch(() => loaded.delete(key))
    loaded.set(key, pending)
  }
  return pending
}

// The file's signature when `loadCurrentRegistry` last checked it, by cache key.
const signatures = new Map<string, string>()

/**
 * `loadRegistry` for a process that runs for days (`webhook serve`): read, parsed and validated again only when the
 * file changed (path, inode, mtime, size), not on every request.
 */
export async function loadCurrentRegistry(file: RegistryLocation | string): Promise<LoadedRegistry> {
  const location = toLocation(file)
  const key = cacheKey(location)
  const signature = await fileSignature(location.path)
  if (signatures.get(key) !== signature) {
    loaded.delete(key)
    signatures.set(key, signature)
  }
  return loadRegistry(location)
}

/** Keeps what an edit just wrote, so that the rest of the run sees it without reading the file again. */
export function rememberRegistry(registry: LoadedRegistry): void {
  loaded.set(cacheKey(registry.location), Promise.resolve(registry))
}

/** Drops cached registries, e.g. in a long-running monitor after the file changed, or between tests. */
export function forgetLoadedRegistries(path?: string): void {
  if (path === undefined) {
    loaded.clear()
    return
  }
  const prefix = `${resolve(path)}\n`
  for (const key of loaded.keys()) if (key.startsWith(prefix)) loaded.delete(key)
}
