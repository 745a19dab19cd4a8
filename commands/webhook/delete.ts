import {Flags} from '@oclif/core'

import type {WebhookOutcome} from '../../src/webhook/register.js'
import {BaseCommand} from '../base-command.js'
import {reportOutcomes} from './report-outcomes.js'

export default class WebhookDelete extends BaseCommand<typeof WebhookDelete, {bots: WebhookOutcome[]}> {
  static override summary = "Remove a bot's webhook, so that getUpdates (discover) works again."
  static override description = 'Exit codes: 0 done, 1 Telegram refused, 2 bad input or config, 3 Telegram unreachable.'
  static override examples = ['<%= config.bin %> webhook delete --bot alerts', '<%= config.bin %> webhook delete --bot alerts --drop-pending-updates']
  static override flags = {
    'drop-pending-updates': Flags.boolean({description: 'Also drop the updates waiting at Telegram.'}),
  }

  public async run(): Promise<{bots: WebhookOutcome[]}> {
    const {deleteWebhooks} = await import('../../src/webhook/register.js')
    const choice = {bot: this.flags.bot, token: this.flags.token, configPath: this.flags.config}
    const report = await deleteWebhooks(choice, this.flags['drop-pending-updates'], this.clientOptions)
    for (const warning of report.warnings) this.warnLine(warning)
    const said = (outcome: WebhookOutcome) =>
      outcome.info?.url ? `webhook ${outcome.info.url} deleted; getUpdates (discover) works again` : 'no webhook was set'
    return {bots: await reportOutcomes(this, report.outcomes, said)}
  }
}
