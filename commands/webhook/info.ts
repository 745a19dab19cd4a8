import {Flags} from '@oclif/core'

import type {WebhookOutcome} from '../../src/webhook/register.js'
import {BaseCommand} from '../base-command.js'
import {reportOutcomes} from './report-outcomes.js'

export default class WebhookInfo extends BaseCommand<typeof WebhookInfo, {bots: WebhookOutcome[]}> {
  static override summary = "Show a bot's webhook: URL, pending updates, last error, max connections, allowed updates."
  static override description =
    'Also shows the updates a stopped webhook serve kept in the store for the next serve of the bot (kept updates). Exit codes: 0 done, 1 Telegram refused, 2 bad input or config, 3 Telegram unreachable.'
  static override examples = ['<%= config.bin %> webhook info --bot alerts', '<%= config.bin %> webhook info --bot alerts --json']

  static override flags = {'state-dir': Flags.string({description: 'The file store (when no Redis is configured).', env: 'FASTPAY_TG_STATE_DIR'})}

  public async run(): Promise<{bots: WebhookOutcome[]}> {
    const {readWebhookInfo} = await import('../../src/webhook/register.js')
    const report = await readWebhookInfo({bot: this.flags.bot, token: this.flags.token, configPath: this.flags.config, stateDir: this.flags['state-dir']}, this.clientOptions)
    for (const warning of report.warnings) this.warnLine(warning)
    return {bots: await reportOutcomes(this, report.outcomes, 'webhook')}
  }
}
