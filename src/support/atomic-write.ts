import {type FileHandle, mkdir, open, realpath, rename, unlink} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {nodeCrypto} from './node-crypto.js'

/** The real file behind `path`, so that a symlinked config (dotfiles repos) stays a symlink after a write. */
export async function realTarget(path: string): Promise<string> {
  try {
    return await realpath(path)
  } catch {
    return path
  }
}

/**
 * Replaces `path` with `text` so that readers see the old file or the new one, never half of one: writes a
 * temporary file in the same directory, fsyncs it, renames it over the target. Creates the directory if needed: 0700,
 * or 0755 (less the umask) for a file others may read, as a status page is for the web server's user, who could not
 * reach it in a 0700 directory.
 * @param mode permissions of the written file @default 0o600
 * @param owner the file's owner and group, when they should be those of the file it replaces (a registry root edits
 *   for a service account); best effort: one who may not give it away keeps it, and its group when a member of it
 */
export async function writeFileAtomic(path: string, text: string | Uint8Array, mode = 0o600, owner?: {uid: number; gid: number}): Promise<void> {
  const dir = dirname(path)
  await mkdir(dir, {recursive: true, mode: mode & 0o044 ? 0o755 : 0o700})
  const temporary = join(dir, `.${basename(path)}.${process.pid}.${nodeCrypto().randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temporary, 'wx', mode)
  try {
    await handle.writeFile(text)
    await handle.chmod(mode)
    if (owner) await keepOwner(handle, mode, owner)
    await handle.sync()
    await handle.close()
    await rename(temporary, path)
  } catch (error) {
    await handle.close().catch(() => undefined)
    await unlink(temporary).catch(() => undefined)
    throw error
  }
  await syncDirectory(dir)
}

async function keepOwner(handle: FileHandle, mode: number, {uid, gid}: {uid: number; gid: number}): Promise<void> {
  const tried = (attempt: Promise<void>) => attempt.then(() => true).catch(() => false)
  // Not root: the owner stays ours, but a member of the file's group may keep that.
  if ((await tried(handle.chown(uid, gid))) || (await tried(handle.chown(-1, gid)))) return
  // The file is ours and of our group, not the group its bits were given to: a shared group (users) must not get them.
  await handle.chmod(mode & 0o707)
}

// Makes the rename itself durable. Some platforms cannot open a directory for fsync: the write already happened.
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // best effort
  }
}
