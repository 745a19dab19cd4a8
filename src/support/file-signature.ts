import {stat} from 'node:fs/promises'
import {resolve} from 'node:path'

/**
 * A file's identity for "parse again only when it changed": device, inode, mtime (in ns) and size, or `missing`. A
 * save by rename (editors, our own atomic writes) always changes the inode; an edit in place changes mtime, and
 * usually size; two edits within one second differ in mtime's nanoseconds where the file system keeps them.
 */
export async function fileSignature(path: string): Promise<string> {
  try {
    const info = await stat(path, {bigint: true})
    return `${info.dev}:${info.ino}:${info.mtimeNs}:${info.size}`
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : `unreadable:${code ?? 'unknown'}`
  }
}

/**
 * What long-running processes (`webhook serve`, `monitor watch`) parse from files, parsed and validated once per
 * file version: `get` stats the file and parses again only when its path, device, inode, mtime or size changed. A parse that
 * fails is not kept, so the next call reports the problem again.
 */
export class ParsedFileCache<T> {
  readonly #entries = new Map<string, {signature: string; value: Promise<T>}>()

  /** `key` tells apart two uses of one file that parse it differently (say, the name it is shown by). */
  async get(path: string, parse: () => Promise<T>, key = ''): Promise<T> {
    const id = `${resolve(path)}\n${key}`
    const signature = await fileSignature(path)
    const entry = this.#entries.get(id)
    if (entry?.signature === signature) return entry.value
    const value = parse()
    this.#entries.set(id, {signature, value})
    value.catch(() => {
      if (this.#entries.get(id)?.value === value) this.#entries.delete(id)
    })
    return value
  }

  /** Forgets every version of `path`, or everything. */
  forget(path?: string): void {
    if (path === undefined) {
      this.#entries.clear()
      return
    }
    const prefix = `${resolve(path)}\n`
    for (const id of this.#entries.keys()) if (id.startsWith(prefix)) this.#entries.delete(id)
  }
}
