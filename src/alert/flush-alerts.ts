import type {FlushReport, OutboxListing} from '../store/outbox-types.js'
import {limiterFor} from '../rate-limit/telegram-limiter.js'
import {type DeliverOptions, deliverToChats} from '../send/deliver.js'
import {ChatMigrations} from '../send/migrations.js'
import type {OutboxStore} from '../store/types.js'
import type {AlertTarget} from './alert-target.js'

export interface FlushAlertsOptions {
  outbox: OutboxStore
  /**
   * Opens the bot an entry names (`OutboxEntry.bot`, an AlertTarget's `botLabel`), once per bot. A throw (the bot
   * is no longer configured, say) keeps that bot's entries waiting and is reported; other bots still flush.
   */
  openBot: (botLabel: string) => Promise<Pick<AlertTarget, 'client' | 'migrations'>>
  /** Only this bot's entries. @default every bot with entries waiting */
  bot?: string
}

export interface FlushAlertsReport {
  /** One flush per bot, in the order of each bot's oldest entry. */
  bots: Array<{bot: string} & FlushReport>
  /** Entries still waiting, all bots together: not those another live run is delivering (`deliveringElsewhere`). */
  waiting: number
  /**
   * Entries another flush or alert is delivering right now (a live claim: a process of this host that runs, or a
   * consumer elsewhere whose lease has not run out): on their way, not waiting on this run's account.
   */
  deliveringElsewhere: number
  warnings: string[]
}

/** `alert flush`: delivers what waits in the outbox, bot by bot, so that one bot that cannot send holds up no other. */
export async function flushAlerts(options: FlushAlertsOptions): Promise<FlushAlertsReport> {
  const {outbox} = options
  const only = options.bot === undefined ? {} : {bot: options.bot}
  // Set aside first, warned once: an unreadable entry no bot claims would otherwise be reported by every flush.
  const setAside = await outbox.setAsideUnreadable()
  const listing = await outbox.list(only)
  const bots = [...new Set(listing.items.map((item) => item.entry.bot))]
  const report: FlushAlertsReport = {bots: [], waiting: 0, deliveringElsewhere: 0, warnings: [...setAside, ...listing.warnings]}
  for (const bot of bots) {
    let opened: Promise<{send: SendTo}> | undefined
    const flushed = await outbox.flush(
      async (entry, chatDone, partSent) => {
        opened ??= options.openBot(bot).then(senderFor)
        const {send} = await opened
        return send(entry.chatIds, entry.message, chatDone, partSent)
      },
      {bot},
    )
    report.bots.push({bot, ...flushed})
    report.warnings.push(...flushed.warnings)
  }
  return {...report, ...countLeft(await outbox.list(only))}
}

/**
 * What a listing taken after a flush holds: entries waiting, and entries claimed by another live run (this run's
 * claims are all given back by then). A claim left by a process of this host that died is waiting: the next flush
 * takes it over at once.
 */
export function countLeft(listing: OutboxListing): {waiting: number; deliveringElsewhere: number} {
  const elsewhere = listing.items.filter((item) => item.claimedBy !== undefined && !item.holderGone).length
  return {waiting: listing.items.length - elsewhere, deliveringElsewhere: elsewhere}
}

type SendTo = (
  chatIds: ReadonlyArray<number | string>,
  message: Parameters<typeof deliverToChats>[2],
  onChatDone: DeliverOptions['onChatDone'],
  onPartSent?: DeliverOptions['onPartSent'],
) => ReturnType<typeof deliverToChats>

// One limiter per bot: Telegram's limits count per bot token.
function senderFor(target: Pick<AlertTarget, 'client' | 'migrations'>): {send: SendTo} {
  const limiter = limiterFor(target.client)
  const migrations = target.migrations ?? new ChatMigrations()
  return {
    send: (chatIds, message, onChatDone, onPartSent) =>
      deliverToChats(target.client, chatIds, message, {limiter, migrations, onChatDone, ...(onPartSent ? {onPartSent} : {})}),
  }
}
