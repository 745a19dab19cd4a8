import {open, readdir, stat} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'

import {defaultConfigPath, displayPath, type Env} from '../config/paths.js'
import {describeZodError, locate, preview} from '../config/issues.js'
import {redact} from '../redact.js'
import {fileSignature} from '../support/file-signature.js'
import {UserError} from '../user-error.js'
import {type CheckSpec, DEFAULT_CONCURRENCY, DEFAULT_HISTORY_RETENTION_MS, type MonitorConfig} from './check-spec.js'
import {type MonitorsFileKey, parseCacheDirIn, readKeyed, readParseCache, writeParseCache} from './monitors-parse-cache.js'
import type {MonitorsFile, RawCheck} from './monitors-schema.js'
import {normalizeCheck} from './normalize-check.js'

/** Overrides where the monitors file is looked for. */
export const MONITORS_ENV = 'FASTPAY_TG_MONITORS'

/** `$XDG_CONFIG_HOME/fastpay-tg/monitors.yml`, next to the bots registry. */
export function defaultMonitorsPath(env: Env = process.env): string {
  return join(dirname(defaultConfigPath(env)), 'monitors.yml')
}

export interface MonitorsLocation {
  path: string
  /** As the user gave it, or `~/...` for the default. */
  display: string
  explicit: boolean
}

/** `--file`, else `FASTPAY_TG_MONITORS`, else the default path. A path may name a file or a directory of them. */
export function locateMonitors(flag?: string, env: Env = process.env): MonitorsLocation {
  const given = flag || env[MONITORS_ENV]
  if (given) return {path: given, display: given, explicit: true}
  const path = defaultMonitorsPath(env)
  return {path, display: displayPath(path, env), explicit: false}
}

export interface LoadMonitorsOptions {
  /**
   * Keeps each file's validated data in `<stateDir>/monitor/parsed` and reuses it while the file and the build are
   * unchanged (monitors-parse-cache.ts): what a `monitor run` each cron minute would otherwise parse every time.
   * @default none: parsed every time
   */
  stateDir?: string
  /** Told, per file, whether it was parsed and validated or came from the parse cache (`--debug`). */
  debug?: (line: string) => void
}

/**
 * Reads and checks the monitors file, or every `*.yml` / `*.yaml` file of a directory (in name order). Throws a
 * one-line UserError naming the file and the offending path: `monitors.yml: checks[2].type: unknown check type`.
 */
export async function loadMonitors(location: MonitorsLocation, env: Env = process.env, options: LoadMonitorsOptions = {}): Promise<MonitorConfig> {
  const files = await filesOf(location)
  const config: MonitorConfig = {sources: [], checks: [], concurrency: DEFAULT_CONCURRENCY, historyRetentionMs: DEFAULT_HISTORY_RETENTION_MS}
  const named = new Map<string, string>()
  let concurrency: number | undefined
  let retention: number | undefined
  for (const file of files) {
    const {data, kept, keep} = await readMonitorsFile(file, options)
    const baseDir = dirname(resolve(file.path))
    const defaults = {...(data.quorum === undefined ? {} : {quorum: data.quorum}), ...data.defaults}
    const checks: CheckSpec[] = []
    for (const [index, raw] of data.checks.entries()) {
      const where = `${file.display}: checks[${index}]`
      const earlier = named.get(raw.name)
      if (earlier !== undefined) throw new UserError(`${where}.name: duplicate check name "${raw.name}" (also ${earlier})`)
      named.set(raw.name, files.length > 1 ? `${file.display} checks[${index}]` : `checks[${index}]`)
      checks.push(kept[index] ?? (await normalizeCheck(raw, defaults, {where, source: file.display, baseDir, env})))
    }
    await keep?.(checks)
    config.checks.push(...checks)
    if (data.concurrency !== undefined) concurrency = Math.max(concurrency ?? 0, data.concurrency)
    if (data['history-retention'] !== undefined) retention = Math.max(retention ?? 0, data['history-retention'])
    config.sources.push(file.display)
  }
  if (concurrency !== undefined) config.concurrency = concurrency
  if (retention !== undefined) config.historyRetentionMs = retention
  return config
}

/**
 * The names of the checks of the monitors file(s), validated as `loadMonitors` does (it throws as it does) but with
 * nothing filled in from the environment: what `digest` and `monitor status` list, which run no check, where
 * `${PAYMENTS_URL}` may well not be set.
 */
export async function monitoredCheckNames(location: MonitorsLocation, options: LoadMonitorsOptions = {}): Promise<string[]> {
  const names: string[] = []
  for (const file of await filesOf(location)) names.push(...(await readMonitorsFile(file, options)).data.checks.map((check) => check.name))
  return names
}

// What tells apart the builds that parse differently, for the parse cache: in the bundle this module's chunk is
// named by a hash of its content, which holds the hashed names of the YAML reader and schema chunks imported below.
const PARSER_BUILD = import.meta.url

/**
 * What the parse cache keeps of a file: its validated data, and each check as loaded when loading it took nothing
 * but the file (no `${VAR}`, no CA file), so that a run of a large file redoes neither parse nor normalization.
 */
interface KeptFile {
  file: MonitorsFile
  /** The name the checks were loaded under (their `source`): the same path may be named otherwise next time. */
  source: string
  checks: Array<CheckSpec | undefined>
}

interface ReadFile {
  data: MonitorsFile
  /** Checks loaded before, by index; the others are normalized now. */
  kept: Array<CheckSpec | undefined>
  /** After a parse: keeps the data and the checks loaded from it for the next run. */
  keep?: (checks: CheckSpec[]) => Promise<void>
}

/** One file's validated data: from the parse cache when it holds this very version, else parsed and validated. */
async function readMonitorsFile(file: MonitorsFileRef, options: LoadMonitorsOptions): Promise<ReadFile> {
  const {text, key} = await readText(file)
  const cacheDir = options.stateDir === undefined ? undefined : parseCacheDirIn(options.stateDir)
  if (cacheDir !== undefined) {
    const cached = (await readParseCache(cacheDir, key)) as KeptFile | undefined
    if (cached !== undefined) {
      options.debug?.(`${file.display}: validated data from the parse cache`)
      return {data: cached.file, kept: cached.source === file.display ? cached.checks : []}
    }
  }
  const started = performance.now()
  const data = await parseMonitorsFile(text, file.display)
  options.debug?.(`${file.display}: parsed and validated in ${Math.round(performance.now() - started)} ms`)
  if (cacheDir === undefined) return {data, kept: []}
  const keep = async (checks: CheckSpec[]) => {
    const kept: KeptFile = {file: data, source: file.display, checks: data.checks.map((raw, index) => (takesOnlyTheFile(raw) ? checks[index] : undefined))}
    await writeParseCache(cacheDir, key, kept)
  }
  return {data, kept: [], keep}
}

// A check loaded from the file alone: no `${VAR}` anywhere in it (whose value must never be written down, and may
// change between runs) and no CA file (which may change on its own).
function takesOnlyTheFile(raw: RawCheck): boolean {
  return !('ca' in raw && raw.ca !== undefined) && !JSON.stringify(raw).includes('${')
}

async function parseMonitorsFile(text: string, display: string): Promise<MonitorsFile> {
  const [{parseMonitorsYaml}, {monitorsFileSchema, UNKNOWN_CHECK_TYPE, KNOWN_CHECK_TYPES}] = await Promise.all([
    import('./monitors-yaml.js'),
    import('./monitors-schema.js'),
  ])
  const json: unknown = parseMonitorsYaml(text, display) ?? {}
  const parsed = monitorsFileSchema.safeParse(json)
  if (parsed.success) return parsed.data
  const [first] = parsed.error.issues
  if (first?.code === 'invalid_union' && first.message === UNKNOWN_CHECK_TYPE) {
    const value = valueAt(json, first.path)
    const got = value === undefined ? '' : ` ${preview(value)}`
    const what = value === undefined ? `required: a check type (one of ${KNOWN_CHECK_TYPES})` : `unknown check type${got} (expected one of ${KNOWN_CHECK_TYPES})`
    throw new UserError(redact(`${locate(display, first.path)}: ${what}`))
  }
  throw new UserError(describeZodError(display, parsed.error, json))
}

/** What `loadMonitorsOnce` remembers between calls: the files' identities and the config they gave. */
export interface MonitorsCache {
  signature?: string
  config?: MonitorConfig
}

/**
 * `loadMonitors` for a process that reads the file again and again (`monitor watch`): the file (or each file of the
 * directory) is parsed and validated again only when its path, device, inode, mtime or size changed. A file that fails to load is
 * not remembered, so the next call tells the problem again.
 */
export async function loadMonitorsOnce(location: MonitorsLocation, cache: MonitorsCache, env: Env = process.env, options: LoadMonitorsOptions = {}): Promise<MonitorConfig> {
  const files = await filesOf(location)
  const signatures = await Promise.all(files.map(async (file) => `${resolve(file.path)}\0${await fileSignature(file.path)}`))
  const signature = signatures.join('\n')
  if (cache.config !== undefined && cache.signature === signature) return cache.config
  cache.config = undefined
  const config = await loadMonitors(location, env, options)
  cache.signature = signature
  cache.config = config
  return config
}

/** Only the named checks, in the file's order; an unknown name is a UserError listing the known ones. */
export function selectChecks(config: MonitorConfig, names: readonly string[] | undefined): CheckSpec[] {
  if (names === undefined || names.length === 0) return config.checks
  const known = new Set(config.checks.map((check) => check.name))
  const unknown = names.filter((name) => !known.has(name))
  if (unknown.length > 0) {
    const list = [...known].join(', ') || 'none'
    throw new UserError(`--check: no check named ${unknown.map((name) => `"${name}"`).join(', ')} in ${config.sources.join(', ')} (known: ${list})`)
  }
  return config.checks.filter((check) => names.includes(check.name))
}

interface MonitorsFileRef {
  path: string
  display: string
}

async function filesOf(location: MonitorsLocation): Promise<MonitorsFileRef[]> {
  let isDirectory: boolean
  try {
    isDirectory = (await stat(location.path)).isDirectory()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error'
    if (code === 'ENOENT' && !location.explicit) {
      throw new UserError(`no monitors file at ${location.display}: create it (see monitors/ in the fastpay-tg repository) or pass --file`)
    }
    throw new UserError(`${location.display}: cannot read (${code})`)
  }
  if (!isDirectory) return [{path: location.path, display: location.display}]
  const names = (await readdir(location.path)).filter((name) => /\.ya?ml$/.test(name)).sort()
  if (names.length === 0) throw new UserError(`${location.display}: no .yml or .yaml file in this directory`)
  return names.map((name) => ({path: join(location.path, name), display: join(location.display, name)}))
}

async function readText(file: MonitorsFileRef): Promise<{text: string; key: MonitorsFileKey}> {
  try {
    const handle = await open(file.path)
    try {
      return await readKeyed(handle, file.path, PARSER_BUILD)
    } finally {
      await handle.close()
    }
  } catch (error) {
    throw new UserError(`${file.display}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<PropertyKey, unknown>)[segment]
  }
  return value
}
