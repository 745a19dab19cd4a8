import {Flags} from '@oclif/core'

import type {FlushAlertsReport} from '../../src/alert/index.js'
import {BaseCommand} from '../base-command.js'

export default class AlertFlush extends BaseCommand<typeof AlertFlush, FlushAlertsReport> {
  static override summary = 'Deliver the alerts waiting in the outbox, oldest first, each exactly once.'
  static override description = `Also \`fastpay-tg flush\`. An entry leaves the outbox only after Telegram accepted it for every chat. Safe to run from cron next to other alerts and flushes: an entry left claimed by a run that died is taken over at once on its host, else once its 60 s lease runs out. An unreadable entry is moved to outbox/corrupt/ with one warning; throttle keys whose window is over are removed. Exit codes: 0 outbox empty (or what is left is being delivered by another run), 75 alerts still waiting, 2 bad input.`

  static override aliases = ['flush']
  static override examples = ['<%= config.bin %> alert flush', '<%= config.bin %> flush', '<%= config.bin %> alert flush --bot alerts --json']
  static override flags = {'state-dir': Flags.string({description: 'Throttle and outbox directory.', env: 'FASTPAY_TG_STATE_DIR'})}

  public async run(): Promise<FlushAlertsReport> {
    const [alert, {openBot}, {ExitCode}] = await Promise.all([
      import('../../src/alert/index.js'),
      import('../../src/bot-session.js'),
      import('../../src/exit-codes.js'),
    ])
    const state = await alert.openAlertState(this.flags['state-dir'], {configPath: this.flags.config, onWarning: (line) => this.warnLine(line)})
    const given = {token: this.flags.token, configPath: this.flags.config}
    const report = await alert
      .flushAlerts({
        outbox: state.outbox,
        bot: this.flags.bot,
        openBot: (label) => openBot(alert.requestForBotLabel(label, given), {...this.clientOptions, floodWaits: () => state.keyValue}),
      })
      .finally(async () => {
        // Keys whose window is over go now: the throttle dir does not grow with every title ever alerted.
        await state.throttle.prune().catch(() => 0)
        await state.close()
      })
    for (const warning of report.warnings) this.warnLine(warning)
    for (const bot of report.bots) {
      for (const entry of bot.entries) {
        if (entry.delivered.length > 0) this.log(`delivered ${entry.id} (bot ${bot.bot}) to ${entry.delivered.join(', ')}`)
        for (const refused of entry.refused) this.warnLine(`${entry.id}: ${refused.chatId} refused it: ${refused.error}`)
      }
      if (bot.stoppedBy) this.warnLine(`bot ${bot.bot}: ${bot.stoppedBy}`)
    }
    this.log(leftLine(report))
    // 75 says Telegram could not take something now; an entry another run is delivering is on its way.
    if (report.waiting > 0) process.exitCode = ExitCode.spooled
    return report
  }
}

function leftLine({waiting, deliveringElsewhere: elsewhere}: FlushAlertsReport): string {
  if (waiting === 0) return elsewhere === 0 ? 'outbox empty' : `${elsewhere} alert(s) being delivered by another run`
  return `${waiting} alert(s) still waiting${elsewhere === 0 ? '' : `; ${elsewhere} being delivered by another run`}`
}
