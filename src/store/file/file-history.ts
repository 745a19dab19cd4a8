import type {KeyLockOptions} from '../../support/key-lock.js'
import type {HistoryStore} from '../types.js'
import {jsonPathFor, readJson, updateJson} from './locked-json.js'

export interface FileHistoryOptions {
  /** Where the histories live, e.g. `<state dir>/history`. */
  dir: string
  /** @default see KeyLockOptions */
  lock?: KeyLockOptions
  /** @default Date.now */
  now?: () => number
}

interface HistoryFile {
  format: 1
  name: string
  /** Newest first. */
  items: Array<{at: number; item: unknown}>
}

/** One JSON file per history, newest first, trimmed to `keep` on each append under the file's lock. */
export class FileHistory implements HistoryStore {
  readonly dir: string
  readonly #lock: KeyLockOptions
  readonly #now: () => number

  constructor(options: FileHistoryOptions) {
    this.dir = options.dir
    this.#lock = options.lock ?? {}
    this.#now = options.now ?? Date.now
  }

  async append<T>(name: string, item: T, options: {keep: number; at?: number}): Promise<void> {
    await updateJson(
      this.dir,
      jsonPathFor(this.dir, name),
      async (content) => {
        const items = [{at: options.at ?? this.#now(), item}, ...this.#items(content, name)].slice(0, Math.max(options.keep, 1))
        const write: HistoryFile = {format: 1, name, items}
        return {write, result: undefined}
      },
      this.#lock,
    )
  }

  async recent<T>(name: string, limit: number): Promise<Array<{at: number; item: T}>> {
    if (limit <= 0) return []
    return this.#items(await readJson(this.dir, jsonPathFor(this.dir, name)), name).slice(0, limit) as Array<{at: number; item: T}>
  }

  // One JSON document per history: read whole, as `recent` does (this store keeps histories short).
  async scan<T>(name: string, limit: number, visit: (entry: {at: number; item: T}) => void): Promise<void> {
    for (const entry of await this.recent<T>(name, limit)) visit(entry)
  }

  #items(content: unknown, name: string): HistoryFile['items'] {
    const file = content as Partial<HistoryFile> | undefined
    return file?.format === 1 && file.name === name && Array.isArray(file.items) ? file.items : []
  }
}
