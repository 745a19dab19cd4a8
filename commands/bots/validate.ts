import {Args} from '@oclif/core'

import type {BotCheck} from '../../src/bots/manage.js'
import {BaseCommand} from '../base-command.js'

export default class BotsValidate extends BaseCommand<typeof BotsValidate, {bots: BotCheck[]}> {
  static override summary = "Check bot tokens with getMe: one bot, or every active bot of every layer."
  static override description = 'Exit codes: 0 all valid, 1 Telegram refused a token, 2 a token cannot be read (as config show says), 3 Telegram unreachable.'
  static override examples = ['<%= config.bin %> bots validate', '<%= config.bin %> bots validate alerts']
  static override args = {name: Args.string({description: 'Bot name or registry id (default: every active bot).'})}

  public async run(): Promise<{bots: BotCheck[]}> {
    const {validateBots} = await import('../../src/bots/manage.js')
    const checks = await validateBots(this.args.name ?? this.flags.bot, {configPath: this.flags.config, token: this.flags.token, ...this.clientOptions})
    for (const check of checks) {
      if (check.ok) this.log(`${check.bot}: ok, @${check.me.username} (id ${check.me.id})`)
      else process.stderr.write(`Error: ${check.bot}: ${check.error.message}\n`)
    }
    this.exitWithWorst(checks)
    return {bots: checks}
  }
}
