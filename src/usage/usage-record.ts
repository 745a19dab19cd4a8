// Usage stats per bot and door, as kept in the state dir: one JSON line per process run (or per minute of a
// long-running one) with that run's tally, merged when read. Appending a line costs no fsync and needs no lock.

/** The doors that send messages: a CLI command's topic (`bots test` is `test`). */
export type UsageDoor = 'send' | 'alert' | 'deploy' | 'digest' | 'monitor' | 'webhook' | 'test' | (string & {})

export interface UsageCounts {
  /** Messages Telegram accepted (a text split in three is three). */
  sent: number
  /** Messages that failed after their retries. */
  failed: number
  /** ISO time of the last accepted message. */
  lastSentAt?: string
  /** The last failure, redacted (never a token). */
  lastError?: {at: string; message: string}
}

export interface BotUsage extends UsageCounts {
  /** The bot's name, or where its token came from for a bot without one (`env TELEGRAM_BOT_TOKEN`). */
  bot: string
  doors: Record<string, UsageCounts>
}

/** One line of the file: a tally, a rename (`bots update --rename`), or a reset of one bot (`bots remove`, `stats --reset NAME`). */
export type UsageLine = ({bot: string; door: string} & UsageCounts) | {rename: string; to: string} | {reset: string}

export const emptyCounts = (): UsageCounts => ({sent: 0, failed: 0})

/** Adds `more` into `into`: counts add up, the later of each "last" wins. */
export function addCounts(into: UsageCounts, more: UsageCounts): UsageCounts {
  into.sent += more.sent
  into.failed += more.failed
  if (more.lastSentAt && (!into.lastSentAt || more.lastSentAt > into.lastSentAt)) into.lastSentAt = more.lastSentAt
  if (more.lastError && (!into.lastError || more.lastError.at > into.lastError.at)) into.lastError = more.lastError
  return into
}

interface Tallies {
  /** The bot's name as last written. */
  name: string
  doors: Map<string, UsageCounts>
}

/** Merges the file's lines in order; a line that is not ours (a torn write, a hand edit) is skipped. */
export function mergeUsage(text: string): BotUsage[] {
  // Names are case-insensitive, as in the registry.
  const bots = new Map<string, Tallies>()
  const tallies = (name: string): Tallies => {
    let found = bots.get(name.toLowerCase())
    if (!found) bots.set(name.toLowerCase(), (found = {name, doors: new Map()}))
    return found
  }
  for (const raw of text.split('\n')) {
    const line = parseLine(raw) ?? gluedLine(raw)
    if (line === undefined) continue
    if ('reset' in line) {
      bots.delete(line.reset.toLowerCase())
    } else if ('rename' in line) {
      const from = bots.get(line.rename.toLowerCase())
      bots.delete(line.rename.toLowerCase())
      if (from) for (const [door, counts] of from.doors) addCounts(doorCounts(tallies(line.to), door), counts)
    } else {
      addCounts(doorCounts(tallies(line.bot), line.door), line)
    }
  }
  return [...bots.values()].map(toBotUsage).sort((a, b) => byName(a.bot, b.bot))
}

/**
 * Code-point order of the lower-cased names (bot names are case-insensitive), then of the names: the same order in
 * every locale, without localeCompare, whose first call builds ICU's collator (about 70 M instructions, a third of a
 * `bots list` run).
 */
function byName(a: string, b: string): number {
  const [lowerA, lowerB] = [a.toLowerCase(), b.toLowerCase()]
  if (lowerA !== lowerB) return lowerA < lowerB ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

function doorCounts(bot: Tallies, door: string): UsageCounts {
  let counts = bot.doors.get(door)
  if (!counts) bot.doors.set(door, (counts = emptyCounts()))
  return counts
}

function toBotUsage({name, doors}: Tallies): BotUsage {
  const usage: BotUsage = {bot: name, ...emptyCounts(), doors: {}}
  for (const [door, counts] of [...doors].sort(([a], [b]) => byName(a, b))) {
    usage.doors[door] = counts
    addCounts(usage, counts)
  }
  return usage
}

/**
 * The whole line at the end of a torn one: a run that crashed mid-write left its line without a newline, and a run of
 * an earlier version appended its own right after it. The torn part is cut where a line of ours begins.
 */
function gluedLine(raw: string): UsageLine | undefined {
  for (let start = raw.indexOf('{"', 1); start !== -1; start = raw.indexOf('{"', start + 1)) {
    const line = parseLine(raw.slice(start))
    if (line !== undefined) return line
  }
  return undefined
}

function parseLine(raw: string): UsageLine | undefined {
  if (raw.trim() === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return undefined
  }
  if (value === null || typeof value !== 'object') return undefined
  const line = value as Record<string, unknown>
  if (typeof line.reset === 'string') return {reset: line.reset}
  if (typeof line.rename === 'string' && typeof line.to === 'string') return {rename: line.rename, to: line.to}
  if (typeof line.bot !== 'string' || typeof line.door !== 'string' || typeof line.sent !== 'number' || typeof line.failed !== 'number') return undefined
  const lastError = line.lastError as {at?: unknown; message?: unknown} | undefined
  return {
    bot: line.bot,
    door: line.door,
    sent: line.sent,
    failed: line.failed,
    ...(typeof line.lastSentAt === 'string' ? {lastSentAt: line.lastSentAt} : {}),
    ...(typeof lastError?.at === 'string' && typeof lastError.message === 'string' ? {lastError: {at: lastError.at, message: lastError.message}} : {}),
  }
}

/** The lines that hold `usage` as it is now: what compaction writes back. */
export function usageLines(usage: readonly BotUsage[]): string {
  return usage.flatMap((bot) => Object.entries(bot.doors).map(([door, counts]) => `${JSON.stringify({bot: bot.bot, door, ...counts})}\n`)).join('')
}
