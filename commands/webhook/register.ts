import {Flags} from '@oclif/core'

import type {WebhookOutcome} from '../../src/webhook/register.js'
import {BaseCommand} from '../base-command.js'
import {reportOutcomes} from './report-outcomes.js'

export default class WebhookRegister extends BaseCommand<typeof WebhookRegister, {bots: WebhookOutcome[]}> {
  static override summary = 'Point a bot (or every active bot of the registry and TELEGRAM_BOT_CONFIGS) at <base>/api/telegram/webhook/<bot_id>/.'
  static override description = `The base URL comes from --base-url, else TELEGRAM_WEBHOOK_BASE_URL, else SITE_URL; it must be https on port 443, 80, 88 or 8443. <bot_id> is the registry id (a bot outside the registry uses its Telegram id). The secret in TELEGRAM_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -) is sent as secret_token; Telegram then sends it in the X-Telegram-Bot-Api-Secret-Token header. Without the variable, a random secret is generated once and kept in the store (a 0600 file in the state dir, or Redis), where webhook serve finds it; on a Redis store that does not answer, nothing is registered (exit 3). Prints the resulting getWebhookInfo. While a webhook is set, getUpdates (discover) does not work. Exit codes: 0 all registered, 1 Telegram refused a bot, 2 bad input, 3 unreachable.`

  static override examples = [
    'TELEGRAM_WEBHOOK_SECRET=s3cret <%= config.bin %> webhook register --bot alerts --base-url https://ops.example.com',
    '<%= config.bin %> webhook register --all --allowed-updates message,callback_query --drop-pending-updates',
  ]

  static override flags = {
    'base-url': Flags.string({description: 'https://host[:port][/path]. Default: TELEGRAM_WEBHOOK_BASE_URL, else SITE_URL.'}),
    all: Flags.boolean({description: 'Every active bot of the registry and TELEGRAM_BOT_CONFIGS; one failing bot does not stop the others.', exclusive: ['bot', 'token']}),
    'drop-pending-updates': Flags.boolean({description: 'Drop the updates waiting at Telegram.'}),
    'allowed-updates': Flags.string({description: 'Update types to receive, comma-separated (e.g. message,callback_query).'}),
    'max-connections': Flags.integer({description: 'Parallel connections Telegram may open, 1-100 (Telegram default 40).'}),
    'state-dir': Flags.string({description: 'Where a generated secret is kept (file store).', env: 'FASTPAY_TG_STATE_DIR'}),
  }

  public async run(): Promise<{bots: WebhookOutcome[]}> {
    const {flags} = this
    const {registerWebhooks} = await import('../../src/webhook/register.js')
    const report = await registerWebhooks(
      {
        bot: flags.bot,
        token: flags.token,
        configPath: flags.config,
        all: flags.all,
        baseUrl: flags['base-url'],
        dropPendingUpdates: flags['drop-pending-updates'],
        allowedUpdates: flags['allowed-updates'],
        maxConnections: flags['max-connections'],
        stateDir: flags['state-dir'],
      },
      this.clientOptions,
    )
    for (const warning of report.warnings) this.warnLine(warning)
    if (!this.jsonEnabled()) for (const note of report.notes ?? []) this.log(note)
    return {bots: await reportOutcomes(this, report.outcomes, 'webhook set')}
  }
}
