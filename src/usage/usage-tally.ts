// Counts the messages of this process in memory and writes them once, when the process exits (and each minute in a
// long-running one): a send pays for one small append per run, not an fsync per message.
import {describeFailure} from '../describe-failure.js'
import {redact} from '../redact.js'
import {appendUsageLinesSync, statsDisabled, usageFilePath} from './usage-file.js'
import {addCounts, emptyCounts, type UsageCounts, type UsageDoor, type UsageLine} from './usage-record.js'
import {ListedTooError} from '../send/migrations.js'

/** Bot API methods that deliver a message: what "messages sent" counts. Edits and lookups are not messages. */
const MESSAGE_METHODS = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendVideo',
  'sendAnimation',
  'sendAudio',
  'sendVoice',
  'sendSticker',
  'sendMediaGroup',
  'copyMessage',
  'forwardMessage',
])

/** A failure's text is kept short: enough to recognise it in `bots list`. */
const MAX_ERROR_CHARS = 300
const FLUSH_EVERY_MS = 60_000

let door: UsageDoor | undefined
const tally = new Map<string, {bot: string; door: UsageDoor; counts: UsageCounts}>()
let flushing = false

/**
 * Counts this process's messages under `name` (a CLI door). Nothing is counted before this is called, so the Action
 * and library callers keep no stats; nor with `FASTPAY_TG_STATS=off`.
 */
export function startUsageStats(name: UsageDoor, env: NodeJS.ProcessEnv = process.env): void {
  door = statsDisabled(env) ? undefined : name
}

/** What `openBot` gives the client as its `onResult`: undefined when stats are off, so the client skips the hook. */
export function usageObserver(bot: string): ((method: string, error?: unknown) => void) | undefined {
  const current = door
  if (current === undefined) return undefined
  return (method, error) => {
    // Not a failure: the group was upgraded to a chat the same delivery lists, and that chat's own send counts.
    if (!MESSAGE_METHODS.has(method) || error instanceof ListedTooError) return
    const key = `${bot}\n${current}`
    let entry = tally.get(key)
    if (!entry) tally.set(key, (entry = {bot, door: current, counts: emptyCounts()}))
    const at = new Date().toISOString()
    if (error === undefined) addCounts(entry.counts, {sent: 1, failed: 0, lastSentAt: at})
    else addCounts(entry.counts, {sent: 0, failed: 1, lastError: {at, message: redact(describeFailure(error).message).slice(0, MAX_ERROR_CHARS)}})
    if (!flushing) {
      flushing = true
      process.once('exit', flushUsage)
      setInterval(flushUsage, FLUSH_EVERY_MS).unref()
    }
  }
}

/** Appends what was counted since the last flush; stats never fail a run, so a write error is dropped. */
export function flushUsage(): void {
  if (tally.size === 0) return
  const lines: UsageLine[] = [...tally.values()].map(({bot, door, counts}) => ({bot, door, ...counts}))
  tally.clear()
  try {
    appendUsageLinesSync(usageFilePath(), lines)
  } catch {
    // A read-only or full state dir: the counts of this run are lost, the messages were not.
  }
}
