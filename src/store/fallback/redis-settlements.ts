import {readdir, readFile, unlink} from 'node:fs/promises'
import {join} from 'node:path'

import {writeFileAtomic} from '../../support/atomic-write.js'
import {isRecord} from '../../support/is-record.js'
import {ensureStateDir, stateDirError} from '../../support/state-dir.js'
import type {HeldClaim} from '../redis/outbox-claim.js'

/**
 * A held Redis outbox entry whose run finished it while Redis stopped answering: Telegram took it (or this host's
 * files keep a copy for the chats still waiting), so Redis must drop it rather than deliver it again once back.
 */
export interface Settlement extends HeldClaim {
  /** The delivered mark to leave for its throttle key (see deliveredMark). @default none */
  mark?: {throttleKey: string; at: number}
}

const SETTLEMENT_FILE = /^(\d{15}-\d+-[0-9a-f]+)\.json$/

/**
 * The settlements this host owes Redis, one small file per entry (`<outbox>/redis-settled/<entry id>.json`, 0600,
 * fsync'd): written when the run could not tell Redis, applied (then removed) by the first use of Redis after it.
 */
export class SettlementFiles {
  constructor(readonly dir: string) {}

  async record(settlement: Settlement): Promise<void> {
    await ensureStateDir(this.dir)
    try {
      await writeFileAtomic(join(this.dir, `${settlement.id}.json`), JSON.stringify(settlement))
    } catch (error) {
      throw stateDirError(this.dir, error)
    }
  }

  /** Oldest first; a file that holds no settlement is left alone (and not listed). */
  async list(): Promise<Settlement[]> {
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[]
      throw stateDirError(this.dir, error)
    })
    const found: Settlement[] = []
    for (const name of names.filter((file) => SETTLEMENT_FILE.test(file)).sort()) {
      const text = await readFile(join(this.dir, name), 'utf8').catch(() => undefined)
      const settlement = text === undefined ? undefined : parseSettlement(text)
      if (settlement !== undefined && `${settlement.id}.json` === name) found.push(settlement)
    }
    return found
  }

  async remove(id: string): Promise<void> {
    await unlink(join(this.dir, `${id}.json`)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw stateDirError(this.dir, error)
    })
  }
}

function parseSettlement(text: string): Settlement | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!isRecord(value)) return undefined
  const {bot, id, streamId, consumer, mark} = value
  const strings = [bot, id, streamId, consumer].every((field) => typeof field === 'string')
  const validMark = mark === undefined || (isRecord(mark) && typeof mark.throttleKey === 'string' && Number.isSafeInteger(mark.at))
  if (!strings || !validMark) return undefined
  return value as unknown as Settlement
}
