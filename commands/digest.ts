import {Flags} from '@oclif/core'

import type {CheckDigest} from '../src/digest/index.js'
import type {Store} from '../src/store/select-store.js'
import {BaseCommand} from './base-command.js'

export interface DigestResult {
  from: string
  to: string
  text: string
  checks: CheckDigest[]
  alerts: {sent: number; suppressed: number; failed: number}
  chart?: {width: number; height: number; bytes: number; caption: string; path?: string}
  out?: string
  /** The page --html wrote. */
  html?: string
  bot?: string
  deliveries?: Array<{chatId: number | string; ok: boolean; messageIds: number[]; error?: string}>
  spooled?: {id: string; chatIds: Array<number | string>}
  /** Set when a digest of the same channel and --since went out within the throttle window: nothing was sent. */
  suppressed?: {key: string; count: number; nextAt: Date}
}

export default class Digest extends BaseCommand<typeof Digest, DigestResult> {
  static override summary = 'Summarise the monitor history: uptime, incidents, latency, alerts.'
  static override description = `Per check over --since: uptime (passing results out of all), incidents with their durations, p50 and p95 latency of passing results (nearest rank), and alerts sent and suppressed. Sent as one message (split on line boundaries when long) to --channel's bot; --chart adds a PNG (uptime and p95 latency over the period, one line per check, the caption as legend) sent with sendPhoto. --dry-run prints the message instead of sending it; --out FILE writes it (and the chart to FILE's name with .png).

Guarantee: one digest per channel and --since per throttle window (--throttle-seconds, else TELEGRAM_ALERT_THROTTLE_SECONDS, else 60), across processes and, with Redis, hosts; a repeat says "suppressed" and exits 0, --force sends anyway. Chats Telegram cannot take it now get the text from the outbox (alert flush); the chart is not spooled.

Exit codes: 0 sent or suppressed, 1 Telegram refused, 2 bad input or config, 3 Telegram unreachable (chart), 75 the text waits in the outbox.`

  static override examples = [
    '<%= config.bin %> digest --since 24h',
    '<%= config.bin %> digest --since 7d --chart --channel alerts',
    '<%= config.bin %> digest --dry-run --out /var/lib/reports/digest.html --chart',
    '<%= config.bin %> digest --since 7d --dry-run --html /var/www/status/digest.html',
    {description: 'From cron on two hosts: one digest an hour between them.', command: '<%= config.bin %> digest --since 24h --throttle-seconds 3600'},
  ]

  static override flags = {
    since: Flags.string({description: 'How far back: 24h, 7d, 90m.', default: '24h'}),
    channel: Flags.string({description: 'The bot (by name) to send it with, when --bot and --token are not given.', default: 'health'}),
    chat: Flags.string({description: 'Chat id or @username; repeatable, or comma-separated.', multiple: true, multipleNonGreedy: true}),
    chart: Flags.boolean({description: 'Also draw a PNG chart and send it with sendPhoto.'}),
    'dry-run': Flags.boolean({description: 'Print the message; send nothing.'}),
    out: Flags.string({description: 'Write the message to this file (the chart next to it, as .png).'}),
    html: Flags.string({description: 'Write the digest as a self-contained HTML page (the chart inline), replaced atomically; with --dry-run, nothing is sent.', helpValue: 'FILE'}),
    'throttle-seconds': Flags.integer({description: 'One digest per channel and --since in this window; 0 turns it off. [default: TELEGRAM_ALERT_THROTTLE_SECONDS or 60]', min: 0}),
    force: Flags.boolean({description: 'Send even when a digest of this channel and --since went out within the window.'}),
    'state-dir': Flags.string({description: 'Monitor history, throttle and outbox directory.', env: 'FASTPAY_TG_STATE_DIR'}),
    file: Flags.string({description: 'Monitors file or directory whose checks are listed, also those without a result in the period (default: monitors.yml next to the bots registry, when there is one).', env: 'FASTPAY_TG_MONITORS'}),
  }

  public async run(): Promise<DigestResult> {
    const {flags} = this
    const [{UserError}, {parseDurationMs, DURATION_EXPECTED}, {resolveStateDir}, {openStore}, {fleetStateUnusable}, {throttleSeconds}] = await Promise.all([
      import('../src/user-error.js'),
      import('../src/support/duration.js'),
      import('../src/support/state-dir.js'),
      import('../src/store/select-store.js'),
      import('../src/store/fleet-state-required.js'),
      import('../src/alert/alert-state.js'),
    ])
    const sinceMs = parseDurationMs(flags.since)
    if (sinceMs === undefined || sinceMs === 0) throw new UserError(`--since: ${DURATION_EXPECTED} (got ${JSON.stringify(flags.since)})`)
    // Read before anything is built or sent: a bad TELEGRAM_ALERT_THROTTLE_SECONDS is a usage error, exit 2.
    const windowSeconds = flags.force ? 0 : throttleSeconds(flags['throttle-seconds'])
    // The checks of the monitors file, so that one with no result in the period is listed as such rather than left
    // out (read as fine). Names only: a `${VAR}` of a URL is monitor run's to have. A named file that is missing, or
    // a file with a mistake, is exit 2 before anything is read or sent.
    const {locateMonitors, monitoredCheckNames} = await import('../src/monitor/load-monitors.js')
    const location = locateMonitors(flags.file)
    const {existsSync} = await import('node:fs')
    const monitored = location.explicit || existsSync(location.path) ? await monitoredCheckNames(location, {stateDir: resolveStateDir(flags['state-dir']), debug: this.debugLine}) : undefined
    // The history `monitor run` wrote wherever it wrote it (the files, or Redis for a fleet); the throttle and outbox
    // alerts use.
    // The store's warnings wait for the check below: "using the file store until it is back" is not what happens
    // when the digest then refuses to run on the files.
    const warnings = this.heldWarnings()
    const store = await openStore({stateDir: resolveStateDir(flags['state-dir']), configPath: flags.config, onWarning: warnings.onWarning})
    try {
      // A fleet's history is in Redis: a digest of this host's fallback files alone would tell the chats a partial
      // (often empty) story as the fleet's.
      const unusable = fleetStateUnusable(store.kind === 'redis' ? await store.describe() : undefined, 'the monitor history', 'digest')
      if (unusable) throw unusable
      warnings.release()
      return await this.digestFrom(store, sinceMs, windowSeconds, monitored)
    } finally {
      await store.close()
    }
  }

  private async digestFrom(store: Store, sinceMs: number, windowSeconds: number, monitored: string[] | undefined): Promise<DigestResult> {
    const {flags} = this
    const {buildDigest} = await import('../src/digest/index.js')
    // The page always has the chart; Telegram gets it with --chart only.
    const built = await buildDigest({store: store.monitor, sinceMs, chart: flags.chart || flags.html !== undefined, ...(monitored ? {monitored} : {})})
    for (const warning of built.warnings) this.warnLine(warning)
    const {digest, text} = built
    const chart = flags.chart ? built.chart : undefined
    const result: DigestResult = {
      from: new Date(digest.from).toISOString(),
      to: new Date(digest.to).toISOString(),
      text,
      checks: digest.checks,
      alerts: digest.alerts,
      ...(chart ? {chart: {width: chart.width, height: chart.height, bytes: chart.png.length, caption: chart.caption}} : {}),
    }
    if (flags.out !== undefined) await this.writeOut(flags.out, text, chart?.png, result)
    if (flags.html !== undefined) {
      const [{writeDigestPage}, {UserError}] = await Promise.all([import('../src/digest/index.js'), import('../src/user-error.js')])
      await writeDigestPage(flags.html, digest, built.chart).catch((error: NodeJS.ErrnoException) => {
        throw new UserError(`--html: cannot write ${JSON.stringify(flags.html)} (${error.code ?? String(error)})`)
      })
      result.html = flags.html
    }
    if (flags['dry-run']) {
      this.log(text)
      if (chart) this.log(`\n[chart: ${chart.width}x${chart.height} PNG, ${chart.png.length} bytes, not sent]\n${chart.caption}`)
      return result
    }
    return {...result, ...(await this.send(store, text, chart, windowSeconds))}
  }

  /** Sends through the throttle and the outbox of the store alerts use (files, or Redis for a fleet). */
  private async send(
    store: Store,
    text: string,
    chart: {png: Buffer; caption: string} | undefined,
    windowSeconds: number,
  ): Promise<Pick<DigestResult, 'bot' | 'deliveries' | 'spooled' | 'suppressed'>> {
    const {flags} = this
    const [{openAlertTarget}, {persistMigrations}, {sendDigest, digestThrottleKey}] = await Promise.all([
      import('../src/alert/open-alert-target.js'),
      import('../src/bot-session.js'),
      import('../src/digest/index.js'),
    ])
    // Like an alert on the channel: its bot and chats, plus the chats linked to the channel (webhook /link).
    const {target, resolved} = await openAlertTarget({channel: flags.channel, defaultBotGiven: this.flagGiven('channel'), bot: flags.bot, token: flags.token, chats: flags.chat, configPath: flags.config}, {...this.clientOptions, floodWaits: () => store.kv})
    this.warnConfig(resolved.warnings)
    const key = digestThrottleKey(flags.channel, flags.since)
    const sent = await sendDigest({
      target,
      text,
      ...(chart ? {chart: {png: chart.png, caption: chart.caption}} : {}),
      outbox: store.outbox,
      links: store.links,
      ...(windowSeconds > 0 ? {throttle: {store: store.throttle, key, windowSeconds}} : {}),
    })
    for (const warning of sent.warnings) this.warnLine(warning)
    if (sent.suppressed) {
      const {nextAt} = sent.suppressed
      this.log(`suppressed: a digest with key "${key}" went out within the last ${windowSeconds} s; the next can go at ${nextAt.toISOString()} (--force sends anyway)`)
      return {bot: target.botLabel, suppressed: sent.suppressed}
    }
    for (const note of await persistMigrations({resolved, client: target.client, migrations: target.migrations!})) this.warnLine(note)
    const deliveries = this.reportDeliveries(sent.deliveries, 'digest sent')
    if (sent.chart) this.reportDeliveries(sent.chart, 'chart sent')
    if (sent.spooled) this.warnLine(`the digest waits in the outbox for ${sent.spooled.chatIds.join(', ')} (${sent.spooled.id})`)
    process.exitCode = sent.exitCode
    return {bot: target.botLabel, deliveries, ...(sent.spooled ? {spooled: sent.spooled} : {})}
  }

  private async writeOut(out: string, text: string, png: Buffer | undefined, result: DigestResult): Promise<void> {
    const [{writeFile}, {extname}] = await Promise.all([import('node:fs/promises'), import('node:path')])
    const write = async (path: string, data: string | Buffer) => {
      try {
        await writeFile(path, data)
      } catch (error) {
        const {UserError} = await import('../src/user-error.js')
        throw new UserError(`--out: cannot write ${JSON.stringify(path)} (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
      }
    }
    await write(out, `${text}\n`)
    result.out = out
    if (png && result.chart) {
      const chartPath = `${out.slice(0, out.length - extname(out).length)}.png`
      await write(chartPath, png)
      result.chart.path = chartPath
    }
  }
}
