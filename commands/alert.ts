import {Args, Flags} from '@oclif/core'

import type {AlertDryRun, SendAlertResult} from '../src/alert/index.js'
import {BaseCommand} from './base-command.js'
import {runAlert} from './support/alert-run.js'

export default class Alert extends BaseCommand<typeof Alert, SendAlertResult | AlertDryRun> {
  static override summary = 'Send an alert: throttled per key, spooled to the outbox when Telegram is unreachable.'
  static override description = `The alert goes to the channel's bot (a bot name: alerts by default, deploy, health) and its chats, plus chats that linked themselves to the channel. The same key within the throttle window (TELEGRAM_ALERT_THROTTLE_SECONDS, default 60) is suppressed, and the next alert that goes through says how many were. When Telegram cannot be reached the rendered alert waits in the outbox; every later alert, and \`alert flush\`, delivers it first.

Guarantee: written to the outbox before its first send (fsync'd), then sent now, or spooled to the outbox (exit 75) when Telegram cannot take it and delivered once later (the entry goes only after Telegram accepted it); killed at any point after that, the next alert or \`alert flush\` delivers it once; one alert per throttle key per window; a new alert waits behind at most 10 older ones. When the state dir cannot be written (full or read-only disk) it is sent anyway, without throttle or outbox, and says so in one line. Not guaranteed: a run killed after Telegram accepted the alert and before its entry was removed sends it twice.

Exit codes: 0 sent or suppressed, 1 Telegram refused, 2 bad input, 3 unreachable without a state dir, 75 spooled to the outbox.`

  static override examples = [
    '<%= config.bin %> alert "Disk almost full" --severity warning --field host=db1 --field used=93%',
    'tail -n 20 /var/log/app.log | <%= config.bin %> alert "Payment errors" --severity error --body -',
    '<%= config.bin %> alert "API down" --severity critical --buttons ack,mute',
    '<%= config.bin %> alert "Backup failed" --channel deploy --dry-run',
  ]

  static override args = {title: Args.string({description: 'Alert title (also the default throttle key).', required: true})}

  static override flags = {
    severity: Flags.string({description: 'info, warning, error or critical.', default: 'error'}),
    field: Flags.string({description: 'A key=value line; repeatable.', multiple: true, multipleNonGreedy: true}),
    body: Flags.string({description: 'Free text under the fields; - reads stdin.'}),
    'max-bytes': Flags.integer({description: 'Most bytes of --body read; a longer body is cut with a note. [default: 65536]', min: 1}),
    channel: Flags.string({description: 'Channel (a bot name).', default: 'alerts'}),
    chat: Flags.string({description: "Send to these chats instead of the channel's; repeatable.", multiple: true, multipleNonGreedy: true}),
    'throttle-key': Flags.string({description: 'Alerts with the same key share a throttle window. [default: CHANNEL:TITLE]'}),
    'throttle-seconds': Flags.integer({description: 'Throttle window; 0 turns it off. [default: TELEGRAM_ALERT_THROTTLE_SECONDS or 60]', min: 0}),
    template: Flags.string({description: 'Template file (see docs/alert-templates.md).'}),
    buttons: Flags.string({description: 'Buttons for `webhook serve` to handle: ack, mute, or ack,mute.'}),
    silent: Flags.boolean({description: 'Send without sound.'}),
    'no-host': Flags.boolean({description: 'Leave the host name out.'}),
    'dry-run': Flags.boolean({description: 'Render and show where it would go, send nothing.'}),
    'state-dir': Flags.string({description: 'Throttle and outbox directory.', env: 'FASTPAY_TG_STATE_DIR'}),
  }

  public async run(): Promise<SendAlertResult | AlertDryRun> {
    return runAlert(this, this.flags, this.args)
  }
}
