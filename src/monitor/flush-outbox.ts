import type {AlertTarget} from '../alert/alert-target.js'
import {countLeft, flushAlerts} from '../alert/flush-alerts.js'
import {describeFailure} from '../describe-failure.js'
import type {OutboxStore} from '../store/types.js'
import type {ApplyReport} from './apply-results.js'

/** What a pass's flush of the outbox did. */
export interface OutboxFlush {
  /** Entries Telegram took, each for the chats named. */
  delivered: Array<{id: string; bot: string; chats: Array<number | string>}>
  /** Entries still waiting after the pass, every bot's (not those another run is delivering right now). */
  waiting: number
  /** The bots whose entries wait because Telegram could not take them now, and why (a flood wait says until when). */
  held: Array<{bot: string; reason: string}>
  warnings: string[]
}

export interface FlushOutboxOptions {
  outbox: OutboxStore
  /** Opens the bot an entry names, as `alert flush` does. */
  openBot: (botLabel: string) => Promise<Pick<AlertTarget, 'client' | 'migrations'>>
  /**
   * Bots whose outbox this pass's alerts flushed already (sendAlert does, before and after its alert): tried again
   * now, a bot whose Telegram is down would hold the pass for a second round of retries.
   */
  flushedAlready: ReadonlySet<string>
}

/**
 * After a pass, what waits in the outbox goes out, as `alert flush` would send it (the store's claims make
 * concurrent passes and flushes deliver each entry once): an alert spooled while Telegram was down is delivered by
 * the next pass, not only by the next alert of its bot.
 */
export async function flushOutbox(options: FlushOutboxOptions): Promise<OutboxFlush> {
  const {outbox} = options
  const listing = await outbox.list()
  const bots = [...new Set(listing.items.map((item) => item.entry.bot))].filter((bot) => !options.flushedAlready.has(bot))
  // The listing's warnings (an unreadable entry) come again, once, from flushAlerts, which sets such entries aside.
  const report: OutboxFlush = {delivered: [], waiting: countLeft(listing).waiting, held: [], warnings: []}
  if (bots.length === 0) return report
  for (const bot of bots) {
    const flushed = await flushAlerts({outbox, bot, openBot: options.openBot})
    report.warnings.push(...flushed.warnings)
    // A flush stopped by Telegram being down (or a flood wait) is told only with --verbose and in --json: the exit
    // code (75) says it, and cron would mail it every minute until Telegram is back.
    for (const flushedBot of flushed.bots) if (flushedBot.stoppedBy) report.held.push({bot, reason: flushedBot.stoppedBy})
    for (const entry of flushed.bots.flatMap((flushedBot) => flushedBot.entries)) {
      if (entry.delivered.length > 0) report.delivered.push({id: entry.id, bot, chats: entry.delivered})
      for (const refused of entry.refused) report.warnings.push(`outbox ${entry.id}: ${refused.chatId} refused it: ${refused.error}`)
    }
  }
  // An entry another run (a flush, another host's pass) is delivering right now is on its way, not waiting.
  report.waiting = countLeft(await outbox.list()).waiting
  return report
}

/** A pass's (or a `monitor exec` job's) flush of the outbox, told which bots its alerts flushed already. */
export type FlushAfterAlerts = (flushedAlready: ReadonlySet<string>) => Promise<OutboxFlush>

/**
 * Runs `flush` once the alerts of `applied` are out, skipping the bots they flushed already; its warnings join the
 * report's. Undefined when the outbox could not be read: the alerts are out (or spooled) and the next run tries again.
 */
export async function flushAfterAlerts(flush: FlushAfterAlerts, applied: ApplyReport): Promise<Omit<OutboxFlush, 'warnings'> | undefined> {
  const flushedAlready = new Set(applied.alerts.flatMap((alert) => (alert.bot !== undefined && alert.status !== 'failed' ? [alert.bot] : [])))
  try {
    const {warnings, ...outbox} = await flush(flushedAlready)
    applied.warnings.push(...warnings)
    return outbox
  } catch (error) {
    applied.warnings.push(`outbox not flushed: ${describeFailure(error).message}`)
    return undefined
  }
}
