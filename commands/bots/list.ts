import type {ListedBot} from '../../src/config/index.js'
import type {BotUsage, UsageCounts} from '../../src/usage/usage-record.js'
import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {textTable} from '../text-table.js'

type ListedWithUsage = ListedBot & {usage: UsageCounts & {doors: BotUsage['doors']}}

type Listing = {registry: string; bots: ListedWithUsage[]} | {names: string[]}

export default class BotsList extends BaseCommand<typeof BotsList, Listing> {
  static override summary = 'List the bots of every config layer, with masked tokens, where each comes from, and their usage.'
  static override description =
    'Usage (messages sent and failed, the last sent, per door) is kept in the state dir, not in the registry: its columns appear once a bot has sent anything. bots stats shows it per door; --json carries it for every bot.'
  static override examples = ['<%= config.bin %> bots list', '<%= config.bin %> bots list --json']

  static override flags = {
    // For the shell completions (completing --bot, --channel and bots NAME): one name a line, no token read.
    names: Flags.boolean({hidden: true}),
  }

  public async run(): Promise<Listing> {
    if (this.flags.names) {
      const names = await (await import('../../src/config/index.js')).botNames(this.flags.config)
      if (!this.jsonEnabled()) for (const name of names) this.log(name)
      return {names}
    }
    const [{listBots}, {readUsage, usageFilePath}] = await Promise.all([import('../../src/config/index.js'), import('../../src/usage/usage-file.js')])
    const [listing, usage] = await Promise.all([listBots(this.flags.config), readUsage(usageFilePath())])
    for (const warning of listing.warnings) this.warnLine(warning)
    if (listing.bots.length === 0) {
      this.log(`No bots configured. Add one with: fastpay-tg bots add NAME --token TOKEN --chat CHAT_ID (registry: ${listing.registry.display})`)
    }
    const bots = listing.bots.map((bot) => ({...bot, usage: usageOf(bot, usage)}))
    const withUsage = bots.some((bot) => bot.usage.sent + bot.usage.failed > 0)
    const rows = bots.map((bot) => [
      `${bot.isDefault ? '*' : ' '} ${bot.name ?? '(unnamed)'}`,
      bot.registryId === undefined ? '-' : String(bot.registryId),
      stateOf(bot),
      bot.token,
      bot.chatIds.join(',') || '-',
      bot.info?.username ? `@${bot.info.username}` : '',
      bot.tokenSource,
      ...(withUsage ? [String(bot.usage.sent), String(bot.usage.failed), bot.usage.lastSentAt?.replace(/\.\d+Z$/, 'Z') ?? '-'] : []),
    ])
    const header = ['  NAME', 'ID', 'STATE', 'TOKEN', 'CHATS', 'BOT', 'TOKEN SOURCE', ...(withUsage ? ['SENT', 'FAILED', 'LAST SENT'] : [])]
    if (rows.length > 0) this.log(textTable([header, ...rows]))
    // Each bot whose token cannot be read, and why: it fails alone wherever it is used.
    for (const bot of listing.bots) {
      if (bot.problem && bot.active && !listing.warnings.includes(bot.problem)) this.warnLine(`${bot.name}: ${bot.problem}`)
    }
    return {registry: listing.registry.display, bots}
  }
}

/** A bot's usage is kept under its name (or, unnamed, where its token comes from); a shadowed bot sends nothing. */
function usageOf(bot: ListedBot, usage: readonly BotUsage[]): UsageCounts & {doors: BotUsage['doors']} {
  const key = (bot.name ?? bot.tokenSource).toLowerCase()
  const found = bot.shadowedBy ? undefined : usage.find((entry) => entry.bot.toLowerCase() === key)
  if (!found) return {sent: 0, failed: 0, doors: {}}
  const {bot: _name, ...counts} = found
  return counts
}

function stateOf(bot: ListedBot): string {
  if (!bot.active) return 'disabled'
  if (bot.shadowedBy) return 'shadowed'
  return bot.problem ? 'no token' : 'active'
}
