import {createReadStream} from 'node:fs'
import {appendFile, open, readdir, readFile, unlink} from 'node:fs/promises'
import {join} from 'node:path'

import {ensureStateDir, stateDirError} from '../../support/state-dir.js'
import {writeFileAtomic} from '../../support/atomic-write.js'
import {type KeyLockOptions, LockTimeoutError, withKeyLock} from '../../support/key-lock.js'
import {parseHistoryLine, parseMonitorState} from '../monitor-state-file.js'
import {emptyState, type HistoryRecord, type MonitorState, type MonitorStore, StateLockTimeout} from '../monitor-state.js'

/** `<state dir>/monitor`: `~/.local/state/fastpay-tg/monitor`. */
export const monitorDirIn = (stateDir: string) => join(stateDir, 'monitor')

export interface FileMonitorStoreOptions {
  /** e.g. `monitorDirIn(resolveStateDir())`. */
  dir: string
  /**
   * A pass holds the lock while it reads the state, sends its alerts and writes the state back, which Telegram's
   * retries can stretch to minutes. @default {timeoutMs: 300_000, staleMs: 600_000, retryDelayMs: 20}
   */
  lock?: KeyLockOptions
}

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/
const DAY_MS = 86_400_000

/**
 * The embedded store: `state.json` (replaced atomically under `state.lock`, an O_EXCL lock that a dead owner
 * leaves to the next pass at once), and one JSON-lines history file per UTC day in `history/`, appended to, and
 * deleted whole when older than the retention.
 */
export class FileMonitorStore implements MonitorStore {
  readonly dir: string
  readonly #historyDir: string
  readonly #lock: KeyLockOptions

  constructor(options: FileMonitorStoreOptions) {
    this.dir = options.dir
    this.#historyDir = join(options.dir, 'history')
    this.#lock = {timeoutMs: 300_000, staleMs: 600_000, retryDelayMs: 20, ...options.lock}
  }

  get statePath(): string {
    return join(this.dir, 'state.json')
  }

  async withStateLock<T>(action: () => Promise<T>): Promise<T> {
    await ensureStateDir(this.dir)
    try {
      return await withKeyLock(join(this.dir, 'state.lock'), action, this.#lock)
    } catch (error) {
      if (!(error instanceof LockTimeoutError)) throw stateDirError(this.dir, error)
      const owner = error.ownerPid === undefined ? '' : ` (pid ${error.ownerPid})`
      throw new StateLockTimeout(`another monitor pass${owner} held ${error.lockPath} for too long`)
    }
  }

  async readState(): Promise<{state: MonitorState; warnings: string[]}> {
    let text: string
    try {
      text = await readFile(this.statePath, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {state: emptyState(), warnings: []}
      throw stateDirError(this.dir, error)
    }
    const parsed = parseMonitorState(text)
    if ('problem' in parsed) {
      return {state: emptyState(), warnings: [`monitor state ${this.statePath} is unreadable (${parsed.problem}); starting afresh`]}
    }
    const warnings = parsed.problems.map((name) => `monitor state of check "${name}" in ${this.statePath} is unreadable; starting afresh`)
    return {state: parsed.state, warnings}
  }

  async writeState(state: MonitorState): Promise<void> {
    try {
      await writeFileAtomic(this.statePath, `${JSON.stringify(state)}\n`, 0o600)
    } catch (error) {
      throw stateDirError(this.dir, error)
    }
  }

  async appendHistory(records: readonly HistoryRecord[]): Promise<void> {
    const byDay = new Map<string, string[]>()
    for (const record of records) {
      const day = dayOf(record.at)
      byDay.set(day, [...(byDay.get(day) ?? []), JSON.stringify(record)])
    }
    if (byDay.size === 0) return
    try {
      await ensureStateDir(this.#historyDir)
      // One write per file: O_APPEND keeps lines of concurrent passes whole and apart.
      for (const [day, lines] of byDay) {
        const path = join(this.#historyDir, `${day}.jsonl`)
        // A pass killed mid-write (SIGKILL, a full disk) leaves a last line without its newline: appended to it, this
        // pass's first record would join it and be lost with it. A line break first keeps the tear to itself.
        const after = (await endsTorn(path)) ? '\n' : ''
        await appendFile(path, `${after}${lines.join('\n')}\n`, {mode: 0o600})
      }
    } catch (error) {
      throw stateDirError(this.#historyDir, error)
    }
  }

  async readHistory(from: number, to: number): Promise<{records: HistoryRecord[]; warnings: string[]}> {
    const records: HistoryRecord[] = []
    const {warnings} = await this.scanHistory(from, to, (record) => records.push(record))
    records.sort((a, b) => a.at - b.at)
    return {records, warnings}
  }

  async scanHistory(from: number, to: number, visit: (record: HistoryRecord) => void): Promise<{warnings: string[]}> {
    const warnings: string[] = []
    const first = dayOf(from)
    const last = dayOf(to)
    for (const day of await this.#days()) {
      if (day < first || day > last) continue
      const path = join(this.#historyDir, `${day}.jsonl`)
      let unreadable = 0
      const found = await eachLine(path, (line) => {
        if (line.trim() === '') return
        const record = parseHistoryLine(line)
        if (record === undefined) unreadable++
        else if (record.at >= from && record.at < to) visit(record)
      }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false
        throw stateDirError(this.#historyDir, error)
      })
      if (found && unreadable > 0) warnings.push(`${unreadable} unreadable line${unreadable === 1 ? '' : 's'} in ${path} skipped`)
    }
    return {warnings}
  }

  async pruneHistory(before: number): Promise<string[]> {
    const removed: string[] = []
    for (const day of await this.#days()) {
      // A day file holds [day, day + 1d): it goes once all of it is older than `before`.
      if (Date.parse(`${day}T00:00:00Z`) + DAY_MS > before) continue
      await unlink(join(this.#historyDir, `${day}.jsonl`)).catch(() => undefined)
      removed.push(`${day}.jsonl`)
    }
    return removed
  }

  async #days(): Promise<string[]> {
    const names = await readdir(this.#historyDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[]
      throw stateDirError(this.#historyDir, error)
    })
    return names.flatMap((name) => DAY_FILE.exec(name)?.[1] ?? []).sort()
  }
}

/** Whether the file's last byte is not a newline (a torn last line); false for a missing or empty file. */
async function endsTorn(path: string): Promise<boolean> {
  const file = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (file === undefined) return false
  try {
    const {size} = await file.stat()
    if (size === 0) return false
    const {buffer} = await file.read(Buffer.alloc(1), 0, 1, size - 1)
    return buffer[0] !== 0x0a
  } finally {
    await file.close()
  }
}

/**
 * Calls `visit` with each line of the file (without its newline; a last line without one too), reading it in chunks
 * so that a day of history never sits in memory whole. Resolves true once read.
 */
async function eachLine(path: string, visit: (line: string) => void): Promise<boolean> {
  let rest = ''
  for await (const chunk of createReadStream(path, {encoding: 'utf8', highWaterMark: 256 * 1024})) {
    const lines = (rest + chunk).split('\n')
    rest = lines.pop()!
    for (const line of lines) visit(line)
  }
  if (rest !== '') visit(rest)
  return true
}

// Clamped to years 1970-9999, which sort as text, so that `readHistory(0, Infinity)` reads everything.
const LAST_DAY_MS = Date.parse('9999-12-31T00:00:00Z')
function dayOf(epochMs: number): string {
  return new Date(Math.min(Math.max(epochMs, 0), LAST_DAY_MS)).toISOString().slice(0, 10)
}
