import type {ListedBot} from '../../src/config/index.js'
import {BaseCommand} from '../base-command.js'

export default class BotsList extends BaseCommand<typeof BotsList> {
  static override summary = 'List the bots of every config layer, with masked tokens and where each comes from.'
  static override examples = ['<%= config.bin %> bots list', '<%= config.bin %> bots list --json']

  public async run(): Promise<{registry: string; bots: ListedBot[]}> {
    const {listBots} = await import('../../src/config/index.js')
    const listing = await listBots(this.flags.config)
    for (const warning of listing.warnings) this.warnLine(warning)
    if (listing.bots.length === 0) {
      this.log(`No bots configured. Add one with: fastpay-tg bots add NAME --token TOKEN --chat CHAT_ID (registry: ${listing.registry.display})`)
    }
    const rows = listing.bots.map((bot) => [
      `${bot.isDefault ? '*' : ' '} ${bot.name ?? '(unnamed)'}`,
      bot.registryId === undefined ? '-' : String(bot.registryId),
      stateOf(bot),
      bot.token,
      bot.chatIds.join(',') || '-',
      bot.info?.username ? `@${bot.info.username}` : '',
      bot.tokenSource,
    ])
    if (rows.length > 0) this.log(table([['  NAME', 'ID', 'STATE', 'TOKEN', 'CHATS', 'BOT', 'TOKEN SOURCE'], ...rows]))
    // Each bot whose token cannot be read, and why: it fails alone wherever it is used.
    for (const bot of listing.bots) {
      if (bot.problem && bot.active && !listing.warnings.includes(bot.problem)) this.warnLine(`${bot.name}: ${bot.problem}`)
    }
    return {registry: listing.registry.display, bots: listing.bots}
  }
}

function stateOf(bot: ListedBot): string {
  if (!bot.active) return 'disabled'
  if (bot.shadowedBy) return 'shadowed'
  return bot.problem ? 'no token' : 'active'
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n')
}
