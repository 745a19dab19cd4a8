// The delivered marks of a file outbox (see deliveredMark): one small file per bot and throttle key in
// `<outbox>/delivered/`, named by a hash of both (a key is free text), holding the time in epoch ms.
import {link, readdir, readFile, rename, unlink} from 'node:fs/promises'
import {join} from 'node:path'

import {nodeCrypto} from '../../support/node-crypto.js'
import {isProcessAlive} from '../../support/process-alive.js'
import {ignoreMissing} from './file-outbox-scan.js'
import {removeDeadTemporaries} from './outbox-claims.js'

const MARK = /^[0-9a-f]{64}\.mark$/
// A mark taken aside by a pruning process: `.<mark>.<pid>.pruning`.
const TAKEN = /^\.([0-9a-f]{64}\.mark)\.(\d+)\.pruning$/

export function deliveredMarkPath(dir: string, bot: string, throttleKey: string): string {
  const name = nodeCrypto().createHash('sha256').update(`${bot}\0${throttleKey}`).digest('hex')
  return join(dir, 'delivered', `${name}.mark`)
}

/** The time a mark holds; undefined without one (or with a file that holds no time). */
export async function readDeliveredMark(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(ignoreMissing)
  const markedAt = Number(text)
  return text === undefined || !Number.isSafeInteger(markedAt) ? undefined : markedAt
}

/**
 * Removes the marks of `<outbox>/delivered/` older than `cutoffMs` (no throttle window reaches back that far), and
 * what killed writers and pruners left there. A mark is taken aside by a rename before it is judged: a flush that
 * marks the same key meanwhile writes a new file, which is then kept, and a mark found fresh is put back unless a
 * newer one already stands.
 */
export async function pruneDeliveredMarks(outboxDir: string, cutoffMs: number): Promise<void> {
  const dir = join(outboxDir, 'delivered')
  await removeDeadTemporaries(dir)
  for (const name of (await readdir(dir).catch(ignoreMissing)) ?? []) {
    const left = TAKEN.exec(name)
    if (left && Number(left[2]) !== process.pid && !isProcessAlive(Number(left[2]))) {
      await judgeTaken(join(dir, name), join(dir, left[1]!), cutoffMs)
      continue
    }
    if (!MARK.test(name) || ((await readDeliveredMark(join(dir, name))) ?? Number.POSITIVE_INFINITY) >= cutoffMs) continue
    const taken = join(dir, `.${name}.${process.pid}.pruning`)
    try {
      await rename(join(dir, name), taken)
    } catch (error) {
      ignoreMissing(error as NodeJS.ErrnoException)
      continue
    }
    await judgeTaken(taken, join(dir, name), cutoffMs)
  }
}

async function judgeTaken(taken: string, mark: string, cutoffMs: number): Promise<void> {
  const markedAt = await readDeliveredMark(taken)
  if (markedAt !== undefined && markedAt >= cutoffMs) {
    await link(taken, mark).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error
    })
  }
  await unlink(taken).catch(ignoreMissing)
}
