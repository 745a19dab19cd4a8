import {hostname} from 'node:os'

import {Args, Flags} from '@oclif/core'

import type {AlertContent, AlertDryRun, AlertState, AlertTarget, AlertTemplate, SendAlertResult} from '../src/alert/index.js'
import {DEFAULT_MAX_BYTES} from '../src/input/byte-limit.js'
import {redact} from '../src/redact.js'
import {UserError} from '../src/user-error.js'
import {BaseCommand} from './base-command.js'

interface PreparedAlert {
  target: AlertTarget
  severity: AlertContent['severity']
  fields: NonNullable<AlertContent['fields']>
  body: string | undefined
  template: AlertTemplate | undefined
  buttons: Array<'ack' | 'mute'> | undefined
  windowSeconds: number
  /** The sending bot's Telegram id: its buttons are signed with its key. */
  botId: number
}

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
    const {flags, args} = this
    const [alert, {readText}, {botIdOfToken, parseAlertButtonNames}] = await Promise.all([
      import('../src/alert/index.js'),
      import('../src/input/read-text.js'),
      import('../src/webhook/alert-buttons.js'),
    ])
    // An unset variable in a script (`alert "$MSG"`) must not send an empty alert under the key "alerts:".
    if (args.title.trim() === '') throw new UserError('TITLE: the alert needs a title')
    const severity = alert.parseSeverity(flags.severity)
    const fields = (flags.field ?? []).map((field) => alert.parseField(field))
    const buttons = flags.buttons === undefined ? undefined : parseAlertButtonNames(flags.buttons)
    const template = flags.template === undefined ? undefined : await alert.loadTemplate(flags.template)
    const maxBytes = flags['max-bytes'] ?? DEFAULT_MAX_BYTES.alertBody
    const body = flags.body === undefined ? undefined : await readText({argument: flags.body, stdin: process.stdin, maxBytes, warn: (line) => this.warnLine(`--body: ${line}`)})
    const windowSeconds = alert.throttleSeconds(flags['throttle-seconds'])
    const {target, resolved} = await alert.openAlertTarget(
      {channel: flags.channel, defaultBotGiven: this.flagGiven('channel'), bot: flags.bot, token: flags.token, chats: flags.chat, configPath: flags.config},
      this.clientOptions,
    )
    this.warnConfig(resolved.warnings)
    const prepared = {target, severity, fields, body, template, buttons, windowSeconds, botId: botIdOfToken(resolved.token.value)}
    const state = await this.openStateOrFailOpen(alert, prepared)
    let result: SendAlertResult | AlertDryRun
    try {
      result = await this.deliver(alert, state, prepared)
    } finally {
      await state?.close()
    }
    // A group upgraded to a supergroup is written back to the registry: the next alert goes straight to it.
    const {persistMigrations} = await import('../src/bot-session.js')
    if (target.migrations) for (const note of await persistMigrations({resolved, client: target.client, migrations: target.migrations})) this.warnLine(note)
    return result
  }

  /** The state dir, or undefined when it cannot be written (read-only, full): the alert then fails open. */
  private async openStateOrFailOpen(alert: typeof import('../src/alert/index.js'), prepared: PreparedAlert): Promise<AlertState | undefined> {
    const {StateDirError} = await import('../src/support/state-dir.js')
    try {
      return await alert.openAlertState(this.flags['state-dir'], {configPath: this.flags.config, onWarning: (line) => this.warnLine(line)})
    } catch (error) {
      if (!(error instanceof StateDirError) || this.flags['dry-run']) throw error
      const without = prepared.buttons ? 'throttle, outbox or buttons' : 'throttle or outbox'
      this.warnLine(`state dir ${JSON.stringify(error.dir)} not writable (${error.code}): alert sent without ${without}`)
      prepared.buttons = undefined
      return undefined
    }
  }

  private async deliver(
    alert: typeof import('../src/alert/index.js'),
    state: AlertState | undefined,
    {target, severity, fields, body, template, buttons, windowSeconds, botId}: PreparedAlert,
  ): Promise<SendAlertResult | AlertDryRun> {
    const {flags, args} = this
    const {prepareAlertButtons} = await import('../src/webhook/alert-buttons.js')

    // The key is stored in the state dir and may ride in callback data: a token quoted in the title stays out of both.
    const key = redact(flags['throttle-key'] ?? alert.defaultThrottleKey(flags.channel, args.title))
    const throttle = windowSeconds > 0 && state ? {store: state.throttle, key, windowSeconds} : undefined
    const content = {title: args.title, severity, fields, body, channel: flags.channel, host: flags['no-host'] ? null : hostname()}
    if (flags['dry-run'] && state) return this.printDryRun(await alert.dryRunAlert({target, content, template, throttle, outbox: state.outbox, links: state.links}))

    const replyMarkup = buttons && state ? await prepareAlertButtons(key, {buttons, keyValue: state.keyValue, botId, channel: flags.channel}) : undefined
    const progress = await this.deliveryProgress()
    const onChatDone = progress?.chatDone
    const result = await alert
      .sendAlert({target, content, template, throttle, outbox: state?.outbox, links: state?.links, silent: flags.silent, replyMarkup, ...(onChatDone ? {onChatDone} : {})})
      .finally(() => progress?.end())
    for (const warning of result.warnings) this.warnLine(warning)
    this.printResult(result)
    process.exitCode = result.exitCode
    return result
  }

  private printResult(result: SendAlertResult): void {
    for (const flushed of result.flushed.entries) {
      if (flushed.delivered.length > 0) this.log(`delivered from the outbox: ${flushed.id}`)
    }
    if (result.status === 'suppressed') {
      const {count, nextAt} = result.suppressed!
      this.log(`suppressed: ${count} alert(s) with key "${result.throttleKey}" held back; the next can go at ${nextAt.toISOString()}`)
      return
    }
    // Chats that will get it from the outbox are reported by the spool line, not as errors.
    const waiting = new Set((result.spooled?.chatIds ?? []).map(String))
    this.reportDeliveries(result.deliveries.filter((delivery) => !waiting.has(String(delivery.migratedTo ?? delivery.chatId))))
    if (result.spooled) {
      this.log(`spooled to the outbox (${result.spooled.id}) for ${result.spooled.chatIds.join(', ')}: ${result.spooled.error}`)
      this.log('`fastpay-tg alert flush` (or the next alert) delivers it.')
    }
  }

  private printDryRun(dryRun: AlertDryRun): AlertDryRun {
    for (const warning of dryRun.warnings) this.warnLine(warning)
    this.log(dryRun.text)
    this.log('')
    this.log(`bot:   ${dryRun.bot}${dryRun.sources ? `  ← ${dryRun.sources.bot}` : ''}`)
    this.log(`chats: ${dryRun.chatIds.join(', ')}${dryRun.sources ? `  ← ${dryRun.sources.chats}` : ''}`)
    if (dryRun.throttle) {
      const verdict = dryRun.throttle.wouldSend ? 'would send' : `would be suppressed until ${dryRun.throttle.nextAt?.toISOString()}`
      this.log(`throttle: key "${dryRun.throttle.key}", ${dryRun.throttle.windowSeconds} s window: ${verdict}`)
    }
    if (dryRun.outboxWaiting) this.log(`outbox: ${dryRun.outboxWaiting} alert(s) waiting, delivered first`)
    this.log('(dry run: nothing sent)')
    return dryRun
  }
}
