import {readdir} from 'node:fs/promises'
import {join} from 'node:path'

import type {KeyLockOptions} from '../../support/key-lock.js'
import type {CompareAndSetResult, KeyValueStore, Versioned, WriteOptions} from '../types.js'
import {jsonPathFor, readJson, updateJson} from './locked-json.js'

export interface FileKeyValueOptions {
  /** Where the documents live, e.g. `<state dir>/state`. */
  dir: string
  /** @default see KeyLockOptions */
  lock?: KeyLockOptions
  /** @default Date.now */
  now?: () => number
}

interface DocumentFile {
  format: 1
  key: string
  value: unknown
  version: number
  updatedAt: number
  /** Epoch ms after which the document counts as gone; null: kept. */
  expiresAt: number | null
}

/** Versioned documents for the processes of one machine: one JSON file per key, changed under its lock. */
export class FileKeyValue implements KeyValueStore {
  readonly dir: string
  readonly #lock: KeyLockOptions
  readonly #now: () => number

  constructor(options: FileKeyValueOptions) {
    this.dir = options.dir
    this.#lock = options.lock ?? {}
    this.#now = options.now ?? Date.now
  }

  async get<T>(key: string): Promise<Versioned<T> | undefined> {
    return this.#live(await readJson(this.dir, jsonPathFor(this.dir, key)), key) as Versioned<T> | undefined
  }

  async compareAndSet<T>(key: string, expectedVersion: number, value: T, options: WriteOptions = {}): Promise<CompareAndSetResult<T>> {
    return this.#write(key, expectedVersion, value, options)
  }

  async set<T>(key: string, value: T, options: WriteOptions = {}): Promise<number> {
    const written = await this.#write(key, 'any', value, options)
    return written.ok ? written.version : 0
  }

  async delete(key: string): Promise<void> {
    await updateJson(this.dir, jsonPathFor(this.dir, key), async () => ({write: null, result: undefined}), this.#lock)
  }

  async list<T>(prefix: string): Promise<Array<{key: string} & Versioned<T>>> {
    const found: Array<{key: string} & Versioned<T>> = []
    for (const file of await this.#documents(prefix)) {
      const document = this.#live(file, file.key)
      if (document) found.push({key: file.key, ...(document as Versioned<T>)})
    }
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  }

  async removeExpired(prefix: string): Promise<void> {
    // Only what read as expired is locked: serve prunes at every start, and a lock for each live key would make a
    // start cost a lock round per key kept.
    for (const {key} of (await this.#documents(prefix)).filter((file) => !this.#live(file, file.key))) {
      // Under the key's lock, and only if still expired: a write may have brought it back meanwhile.
      await updateJson(this.dir, jsonPathFor(this.dir, key), async (content) => ({write: this.#live(content, key) ? undefined : null, result: undefined}), this.#lock)
    }
  }

  /** The document files of the keys under `prefix`, live or expired. */
  async #documents(prefix: string): Promise<Array<Partial<DocumentFile> & {key: string}>> {
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[]
      throw error
    })
    const found: Array<Partial<DocumentFile> & {key: string}> = []
    for (const name of names.filter((file) => /^[0-9a-f]{32}\.json$/.test(file))) {
      const file = (await readJson(this.dir, join(this.dir, name))) as Partial<DocumentFile> | undefined
      if (typeof file?.key === 'string' && file.key.startsWith(prefix)) found.push(file as Partial<DocumentFile> & {key: string})
    }
    return found
  }

  async #write<T>(key: string, expected: number | 'any', value: T, options: WriteOptions): Promise<CompareAndSetResult<T>> {
    return updateJson<CompareAndSetResult<T>>(
      this.dir,
      jsonPathFor(this.dir, key),
      async (content) => {
        const current = this.#live(content, key) as Versioned<T> | undefined
        const version = current?.version ?? 0
        if (expected !== 'any' && expected !== version) return {result: {ok: false, current}}
        const now = this.#now()
        const expiresAt = options.ttlMs === undefined ? null : now + options.ttlMs
        const write: DocumentFile = {format: 1, key, value, version: version + 1, updatedAt: now, expiresAt}
        return {write, result: {ok: true, version: version + 1}}
      },
      this.#lock,
    )
  }

  /** The document in a file's content, unless it is not one for `key` or has expired. */
  #live(content: unknown, key: string): Versioned<unknown> | undefined {
    const file = content as Partial<DocumentFile> | undefined
    if (file?.format !== 1 || file.key !== key || !Number.isSafeInteger(file.version)) return undefined
    if (file.expiresAt != null && file.expiresAt <= this.#now()) return undefined
    return {value: file.value, version: file.version!, updatedAt: file.updatedAt!}
  }
}
