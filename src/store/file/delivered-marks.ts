// The delivered marks of a file outbox (see deliveredMark): one small file per bot and throttle key in
// `<outbox>/delivered/`, named by a hash of both (a key is free text), holding the time in epoch ms.
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {nodeCrypto} from '../../support/node-crypto.js'
import {ignoreMissing} from './file-outbox-scan.js'

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
