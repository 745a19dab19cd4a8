// `monitor run` starts afresh every cron minute, and reading a monitors file of 1,000 checks (js-yaml, then zod) was
// most of what it did besides the checks themselves (issue 15). The validated data of each file is kept in the state
// dir between runs and used only when everything it was made from is unchanged: the file (path, device, inode, mtime
// in ns, size and the sha256 of the very bytes read) and the build that parsed it. What is kept is made from the
// file alone (load-monitors.ts): its data after validation, and the checks that take no `${VAR}` and no CA file as
// loaded; the others are loaded again on every run, so no value from the environment is written here.
import type {FileHandle} from 'node:fs/promises'
import {readFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {deserialize, serialize} from 'node:v8'

import {writeFileAtomic} from '../support/atomic-write.js'
import {nodeCrypto} from '../support/node-crypto.js'

/** `<state dir>/monitor/parsed`: one file per monitors file, named by the hash of its absolute path. */
export const parseCacheDirIn = (stateDir: string) => join(stateDir, 'monitor', 'parsed')

// Bumped when what is stored changes shape; a build that parses differently has another `build` anyway.
const FORMAT = 2

const DIGEST_BYTES = 32

/** Everything a file's cached data depends on. Any difference, and the file is parsed again. */
export interface MonitorsFileKey {
  /** What parsed and validated it (load-monitors.ts says how it tells builds apart), and on which Node. */
  build: string
  path: string
  dev: bigint
  ino: bigint
  mtimeNs: bigint
  size: bigint
  sha256: string
}

/** Reads an open file and names the version read: the stat comes from the same handle, the hash from the bytes. */
export async function readKeyed(handle: FileHandle, path: string, build: string): Promise<{text: string; key: MonitorsFileKey}> {
  const info = await handle.stat({bigint: true})
  const bytes = await handle.readFile()
  const key = {build: `${build} node ${process.version}`, path: resolve(path), dev: info.dev, ino: info.ino, mtimeNs: info.mtimeNs, size: info.size, sha256: nodeCrypto().createHash('sha256').update(bytes).digest('hex')}
  return {text: bytes.toString('utf8'), key}
}

const entryPath = (dir: string, key: MonitorsFileKey) => join(dir, `${nodeCrypto().createHash('sha256').update(key.path).digest('hex').slice(0, 32)}.v8`)

/**
 * The validated data kept for this version of the file, or undefined: no entry, another version, another build, or
 * an entry that does not read back exactly as written (its sha256 is checked first: a torn or corrupt file is a miss).
 */
export async function readParseCache(dir: string, key: MonitorsFileKey): Promise<unknown> {
  try {
    const bytes = await readFile(entryPath(dir, key))
    const payload = bytes.subarray(DIGEST_BYTES)
    if (bytes.length <= DIGEST_BYTES || !nodeCrypto().createHash('sha256').update(payload).digest().equals(bytes.subarray(0, DIGEST_BYTES))) return undefined
    const entry = deserialize(payload) as {format?: unknown; key?: Partial<MonitorsFileKey>; data?: unknown}
    if (entry.format !== FORMAT || !sameKey(entry.key, key)) return undefined
    return entry.data
  } catch {
    return undefined
  }
}

/** Keeps `data` for this version of the file (mode 0600, replaced atomically). Best effort: a cache that cannot be written is no error. */
export async function writeParseCache(dir: string, key: MonitorsFileKey, data: unknown): Promise<void> {
  try {
    const payload = serialize({format: FORMAT, key, data})
    await writeFileAtomic(entryPath(dir, key), Buffer.concat([nodeCrypto().createHash('sha256').update(payload).digest(), payload]))
  } catch {
    // A read-only or full state dir: the next run parses again, as without a cache.
  }
}

function sameKey(kept: Partial<MonitorsFileKey> | undefined, key: MonitorsFileKey): boolean {
  if (typeof kept !== 'object' || kept === null) return false
  return (Object.keys(key) as Array<keyof MonitorsFileKey>).every((name) => kept[name] === key[name])
}
