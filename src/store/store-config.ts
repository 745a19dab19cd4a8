import {ENV_REFERENCE, noValue} from '../config/constants.js'
import {type Env, locateRegistry} from '../config/paths.js'
import {readRegistryText} from '../config/registry-file.js'
import {redact, registerSecret} from '../redact.js'
import {UserError} from '../user-error.js'

/** Chooses the store over the registry's `store:`: `file`, or `redis://[user:password@]host[:port][/db]`. */
export const STORE_ENV = 'FASTPAY_TG_STORE'

export type StoreSetting =
  | {kind: 'file'; source: string}
  | {
      kind: 'redis'
      /** The URL to connect to, password included: never print it, print `display`. */
      url: string
      /** The URL with its password masked: `redis://:***@10.0.0.5:6379/0`. */
      display: string
      source: string
    }

export interface StoreSettingOptions {
  /** `--config`. @default FASTPAY_TG_CONFIG, else `$XDG_CONFIG_HOME/fastpay-tg/config.yml` */
  configPath?: string
  /** @default process.env */
  env?: Env
}

const QUERY_SETTINGS = ['db', 'username', 'password', 'family']

const EXPECTED = 'expected "file" or a redis:// URL such as redis://:password@10.0.0.5:6379/0'

/**
 * Where shared state lives: `FASTPAY_TG_STORE`, else the registry file's top-level `store:` (which may be
 * `${REDIS_URL}`, read from the environment, to keep a password out of the file), else the file store. The
 * registry text is only parsed when it has a `store:` line: most runs never pay for loading yaml.
 */
export async function readStoreSetting(options: StoreSettingOptions = {}): Promise<StoreSetting> {
  const env = options.env ?? process.env
  const fromEnv = env[STORE_ENV]?.trim()
  if (fromEnv) return parseStoreValue(fromEnv, `env ${STORE_ENV}`)
  const location = locateRegistry(options.configPath, env)
  const file = await readRegistryText(location)
  if (file === undefined || !/^store\s*:/m.test(file.text)) return {kind: 'file', source: 'default'}
  const {parseDocument} = await import('../config/yaml-lib.js')
  const doc = parseDocument(file.text)
  // A broken file is reported, with its line, by the registry loader that every door runs as well.
  const raw: unknown = doc.errors.length > 0 ? undefined : doc.get('store')
  const source = `registry ${location.display} store`
  if (raw === undefined || raw === null) return {kind: 'file', source: 'default'}
  if (typeof raw !== 'string') throw new UserError(`${location.display}: store: ${EXPECTED}`)
  const variable = ENV_REFERENCE.exec(raw.trim())?.[1]
  if (variable === undefined) return parseStoreValue(raw.trim(), source, `${location.display}: store`)
  const value = env[variable]?.trim()
  if (!value) throw new UserError(`${location.display}: store: takes its value from \${${variable}}, which is ${noValue(env[variable])}`)
  return parseStoreValue(value, `env \${${variable}} (${source})`, `${location.display}: store (\${${variable}})`)
}

/** Checks one store value; registers a Redis password as a secret, so that `redact` masks it everywhere. */
export function parseStoreValue(value: string, source: string, where = source): StoreSetting {
  if (value === 'file') return {kind: 'file', source}
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (url === undefined || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    // The value may be a URL with a password that failed to parse: name its scheme only.
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(value)?.[0]
    throw new UserError(`${where}: ${EXPECTED}${scheme ? ` (got a ${scheme} value)` : ''}`)
  }
  // The Redis client decodes both with decodeURIComponent, which throws on a `%` that starts no escape.
  decodedUserinfo(url.username, 'user', where)
  // ioredis reads the database from the path (else ?db=) with parseInt: "abc" became SELECT NaN, which crashed the
  // run, and "2/x" quietly meant 2.
  const database = url.pathname === '' || url.pathname === '/' ? url.searchParams.get('db') : url.pathname.slice(1)
  if (database !== null && !/^\d+$/.test(database)) {
    throw new UserError(`${where}: the database after the port is a number, such as redis://10.0.0.5:6379/0`)
  }
  // ioredis reads any other ?name=value as a client option over ours (timeouts, the offline queue, a key prefix).
  for (const name of url.searchParams.keys()) {
    if (!QUERY_SETTINGS.includes(name)) throw new UserError(`${where}: ?${name}= is not a setting of the store URL (it takes db, username, password and family)`)
  }
  // The client reads the path and ignores ?db= beside it: `/5?db=7` quietly meant 5.
  const queryDatabase = url.searchParams.get('db')
  if (url.pathname !== '' && url.pathname !== '/' && queryDatabase !== null && queryDatabase !== database) {
    throw new UserError(`${where}: the database is given twice (${url.pathname} and ?db=${queryDatabase}): keep one`)
  }
  // A link setting, not one of our timeouts: ?family=6 reaches a Redis on an IPv6-only private network (Fly.io's).
  const family = url.searchParams.get('family')
  if (family !== null && !['0', '4', '6'].includes(family)) throw new UserError(`${where}: ?family= is 4 or 6 (the address family), got ${JSON.stringify(family)}`)
  const queryPassword = url.searchParams.get('password')
  if (queryPassword) registerSecret(queryPassword)
  if (url.password !== '') {
    registerSecret(url.password)
    registerSecret(decodedUserinfo(url.password, 'password', where))
  }
  return {kind: 'redis', url: value, display: displayRedisUrl(url), source}
}

function decodedUserinfo(text: string, part: string, where: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw new UserError(`${where}: the ${part} holds a "%" that starts no %XX escape (write "%" as %25)`)
  }
}

/** The URL as it may be shown: the password masked, everything else as given. */
export function displayRedisUrl(url: URL): string {
  const user = url.username + (url.password === '' ? '' : ':***')
  return redact(`${url.protocol}//${user === '' ? '' : `${user}@`}${url.host}${url.pathname === '/' ? '' : url.pathname}`)
}
