import {closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync} from 'node:fs'
import {appendFile, readFile, rename, stat, unlink} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import {resolveStateDir} from '../support/state-dir.js'
import {type BotUsage, mergeUsage, type UsageLine, usageLines} from './usage-record.js'

/** `FASTPAY_TG_STATS=off` (or `0`, `false`): nothing is counted or written. @default on */
export const STATS_ENV = 'FASTPAY_TG_STATS'

export function statsDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(off|0|false|no)$/i.test(env[STATS_ENV]?.trim() ?? '')
}

/** `<state dir>/bot-usage.jsonl`: the state dir of `FASTPAY_TG_STATE_DIR`, else `$XDG_STATE_HOME/fastpay-tg`. */
export function usageFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(resolveStateDir(undefined, env), 'bot-usage.jsonl')
}

/**
 * Appends lines with one plain write: no fsync, no lock. Lines this short are written whole by one append, so
 * concurrent runs interleave lines, never bytes; a line lost to a crash only loses that run's counts. A file left
 * without its final newline (a crash mid-write) gets one first, so that the next run's line is not glued to the
 * torn one and lost with it (two runs doing so at once leave an empty line, which the reader skips).
 */
export function appendUsageLinesSync(path: string, lines: readonly UsageLine[]): void {
  if (lines.length === 0) return
  mkdirSync(dirname(path), {recursive: true, mode: 0o700})
  const fd = openSync(path, 'a+', 0o600)
  try {
    const text = lines.map((line) => `${JSON.stringify(line)}\n`).join('')
    writeSync(fd, endsTorn(fd) ? `\n${text}` : text)
  } finally {
    closeSync(fd)
  }
}

function endsTorn(fd: number): boolean {
  const {size} = fstatSync(fd)
  if (size === 0) return false
  const last = Buffer.alloc(1)
  readSync(fd, last, 0, 1, size - 1)
  return last[0] !== 0x0a
}

// Past this the file is folded into one line per bot and door when next read.
const COMPACT_BYTES = 256 * 1024

/** Every bot's usage, merged from the file; none when there is no file yet. */
export async function readUsage(path: string): Promise<BotUsage[]> {
  let text: string
  try {
    if ((await stat(path)).size > COMPACT_BYTES) return await compact(path)
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  return mergeUsage(text)
}

/**
 * Moves the file aside, merges it, and appends the merged lines to a fresh file that runs ending meanwhile append
 * to as well. A run that opened the old file just before the move and writes just after the read loses its line.
 */
async function compact(path: string): Promise<BotUsage[]> {
  const aside = `${path}.${process.pid}.compacting`
  await rename(path, aside)
  const usage = mergeUsage(await readFile(aside, 'utf8'))
  await appendFile(path, usageLines(usage), {mode: 0o600})
  await unlink(aside)
  return mergeUsage(await readFile(path, 'utf8'))
}

/** `bots stats --reset`: forgets every bot's usage, or one bot's. */
export async function resetUsage(path: string, bot?: string): Promise<void> {
  if (bot !== undefined) {
    appendUsageLinesSync(path, [{reset: bot}])
    return
  }
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error
  })
}

/**
 * Tells the stats file that a bot was renamed (its counts follow it) or removed (its counts go, so a new bot of that
 * name starts from zero). Stats never fail the command that changed the registry.
 */
export function noteRegistryChange(line: {rename: string; to: string} | {reset: string}, env: NodeJS.ProcessEnv = process.env): void {
  try {
    appendUsageLinesSync(usageFilePath(env), [line])
  } catch {
    // A state dir we cannot write: the counts stay under the old name until reset.
  }
}
