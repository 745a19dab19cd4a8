import {Flags} from '@oclif/core'

import type {HealthReport} from '../src/health/index.js'
import {BaseCommand} from './base-command.js'

export default class Health extends BaseCommand<typeof Health, HealthReport> {
  static override summary = 'Check the toolkit itself: config, bots, chats, webhooks, state and outbox.'
  static override description = `Reports "configured" when any config layer (the bots registry, TELEGRAM_BOT_CONFIGS, TELEGRAM_BOT_TOKEN) has an active bot, and which; then for each active bot its token (getMe), each chat (getChat) and its webhook (getWebhookInfo); the state, throttle, outbox and monitor directories (writable), the outbox backlog and the monitor's last pass. --bot or --token checks that one bot only.

Exit codes: 0 nothing failed (warnings allowed), 1 something failed, 2 bad input.`

  static override examples = ['<%= config.bin %> health', '<%= config.bin %> health --json', '<%= config.bin %> health --bot alerts']

  static override flags = {
    'state-dir': Flags.string({description: 'The state dir to check.', env: 'FASTPAY_TG_STATE_DIR'}),
  }

  public async run(): Promise<HealthReport> {
    const {flags} = this
    const {healthTable, runHealth} = await import('../src/health/index.js')
    const report = await runHealth({
      configPath: flags.config,
      ...(flags.bot === undefined ? {} : {bot: flags.bot}),
      ...(flags.token === undefined ? {} : {token: flags.token}),
      stateDir: flags['state-dir'],
      timeoutMs: this.clientOptions.timeoutMs,
      debug: this.clientOptions.debug,
    })
    for (const line of healthTable(report)) this.log(line)
    if (!report.ok) process.exitCode = 1
    return report
  }
}
