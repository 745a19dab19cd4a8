import {Args, Flags} from '@oclif/core'

import type {BotUsage} from '../../src/usage/usage-record.js'
import {BaseCommand} from '../base-command.js'
import {textTable} from '../text-table.js'

export default class BotsStats extends BaseCommand<typeof BotsStats> {
  static override summary = 'Show usage per bot and door: messages sent, failures, the last sent, the last error.'
  static override description =
    'Every door (send, alert, deploy, digest, monitor, webhook, and bots test as test) counts the messages it sends. The counts are kept in the state dir (FASTPAY_TG_STATE_DIR, else $XDG_STATE_HOME/fastpay-tg), never in the registry, with one line appended per run and no fsync; FASTPAY_TG_STATS=off turns counting off. Errors are kept redacted: never a token.'
  static override examples = ['<%= config.bin %> bots stats', '<%= config.bin %> bots stats alerts --json', '<%= config.bin %> bots stats --reset']
  static override args = {name: Args.string({description: 'Only this bot (its name, or where its token comes from for an unnamed bot).'})}
  static override flags = {reset: Flags.boolean({description: 'Forget the counts: of every bot, or of NAME.'})}

  public async run(): Promise<{file: string; bots: BotUsage[]} | {file: string; reset: string}> {
    const {readUsage, resetUsage, usageFilePath} = await import('../../src/usage/usage-file.js')
    const file = usageFilePath()
    const name = this.args.name
    if (this.flags.reset) {
      await resetUsage(file, name)
      this.log(name === undefined ? 'usage stats reset for every bot' : `usage stats reset for ${name}`)
      return {file, reset: name ?? 'all'}
    }
    const bots = (await readUsage(file)).filter((usage) => name === undefined || usage.bot.toLowerCase() === name.toLowerCase())
    if (bots.length === 0) {
      this.log(name === undefined ? 'No messages counted yet.' : `No messages counted for ${name}.`)
      return {file, bots}
    }
    const rows = bots.flatMap((usage) =>
      Object.entries(usage.doors).map(([door, counts]) => [
        usage.bot,
        door,
        String(counts.sent),
        String(counts.failed),
        when(counts.lastSentAt),
        counts.lastError ? `${when(counts.lastError.at)} ${counts.lastError.message}` : '-',
      ]),
    )
    this.log(textTable([['BOT', 'DOOR', 'SENT', 'FAILED', 'LAST SENT', 'LAST ERROR'], ...rows]))
    return {file, bots}
  }
}

const when = (iso: string | undefined) => iso?.replace(/\.\d+Z$/, 'Z') ?? '-'
