import {stat} from 'node:fs/promises'

import {UserError} from '../user-error.js'

/** The file an upload reads changed (or vanished) between the first chat's upload and the last one's. */
export class FileChangedError extends UserError {}

/**
 * Pins a file to what it was when sending began (device, inode, size, change and modification times to the
 * nanosecond), so a file rewritten or appended to mid-broadcast fails loudly instead of giving chats different or
 * truncated copies. Node's file-backed Blob also refuses to read a file modified after it was opened; this catches
 * what happens between uploads.
 */
export class UnchangedFile {
  private constructor(
    private readonly path: string,
    private readonly displayName: string,
    private readonly fingerprint: string,
  ) {}

  static async pin(path: string, displayName: string): Promise<UnchangedFile> {
    try {
      return new UnchangedFile(path, displayName, await fingerprintOf(path))
    } catch (error) {
      throw new UserError(`cannot upload "${displayName}": ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    }
  }

  /** Throws FileChangedError when the file is no longer the one pinned. */
  async check(): Promise<void> {
    let now: string | undefined
    try {
      now = await fingerprintOf(this.path)
    } catch {
      now = undefined
    }
    if (now !== this.fingerprint) {
      throw new FileChangedError(`"${this.displayName}" changed while it was being sent: not sending it further (send a copy that stays put)`)
    }
  }
}

async function fingerprintOf(path: string): Promise<string> {
  const stats = await stat(path, {bigint: true})
  return [stats.dev, stats.ino, stats.size, stats.mtimeNs, stats.ctimeNs].join(':')
}
