import {Flags} from '@oclif/core'

import {redact} from '../../src/redact.js'
import {BaseCommand} from '../base-command.js'
import {turnWriter} from '../support/turn-writer.js'
import {metricsFlag} from '../ops-flags.js'

/** How the store's notes reach logError (`webhook serve` prints them as they come). */
const WARNING = 'warning: '

export default class WebhookServe extends BaseCommand<typeof WebhookServe, void> {
  static override summary = 'Receive Telegram updates over HTTP and answer /start, /help, /status, /link, /stop and alert buttons.'
  static override description = `Listens on --host:--port for POSTs to /api/telegram/webhook/<bot_id>/, for every active registry bot (by registry id) and TELEGRAM_BOT_CONFIGS bot (by Telegram id), or the one --bot/--token bot. A request without the right X-Telegram-Bot-Api-Secret-Token gets 401, whatever its path or method. Each update is answered 200 at once and handled afterwards; replies go through the Bot API.

The secret is TELEGRAM_WEBHOOK_SECRET, else the one webhook register generated and stored; without either it refuses to start (unless --insecure-no-secret). A stored secret on a Redis store that does not answer is not read from this host's files: serve exits 3 (unless --insecure-no-secret), and is started again once Redis answers. Put it behind your https proxy and point Telegram at it with webhook register. A webhook and getUpdates exclude each other: while one is registered, discover cannot read updates.

Stops on SIGINT or SIGTERM after finishing queued updates (--drain-seconds; those not started by then are kept in the store for the next serve); a second signal stops waiting and keeps them at once, a third ends the process. With --json, prints one JSON object a line: started (url, port, bots, keptAtStart), update (each handled update), error (each refused request or failed update), stopping (again: true for a second signal), stopped (updates, kept).

Guarantee: one reply per accepted update (a repeated update_id is skipped), within Telegram's limits through the rate limiter every door shares; a reply that still fails after retries is logged, not queued. Not guaranteed: updates Telegram gave up on while serve was down.`

  static override examples = [
    'TELEGRAM_WEBHOOK_SECRET=s3cret <%= config.bin %> webhook serve --port 8081',
    '<%= config.bin %> webhook serve --port 8081 --host 0.0.0.0 --bot alerts',
    "<%= config.bin %> webhook serve --port 8081 --json | jq -c 'select(.event == \"error\")'",
  ]

  // A server's output is a stream: under --json, one event a line.
  static override jsonLines = true

  static override flags = {
    port: Flags.integer({description: 'Port to listen on (0: any free port, printed at start).', required: true, min: 0, max: 65_535}),
    host: Flags.string({description: 'Address to listen on.', default: '127.0.0.1'}),
    'state-dir': Flags.string({description: 'Throttle state for Mute, shared with alert.', env: 'FASTPAY_TG_STATE_DIR'}),
    'request-timeout': Flags.integer({description: 'Seconds a request may take to arrive before 408.', default: 10, min: 1}),
    'drain-seconds': Flags.integer({description: "On SIGINT or SIGTERM, seconds queued updates may take; those not started by then are kept in the store for the next serve of their bot. Keep it below your service manager's stop timeout (Docker's is 10 s, systemd's 90 s).", default: 5, min: 0}),
    'insecure-no-secret': Flags.boolean({description: 'Start without any secret: anyone who reaches the port can post updates.'}),
    'path-prefix': Flags.string({description: 'Path your proxy keeps before /api/telegram/webhook/. [default: the path of TELEGRAM_WEBHOOK_BASE_URL or SITE_URL]'}),
    metrics: metricsFlag,
  }

  public async run(): Promise<void> {
    const {flags} = this
    const json = this.jsonEnabled()
    const {describeServedBot, servedBotFields, startServe, WEBHOOK_EXCLUDES_POLLING} = await import('../../src/webhook/serve.js')
    const {monitorStatusSections} = await import('../../src/monitor/status.js')
    let running: Awaited<ReturnType<typeof startServe>> | undefined
    // Update lines (and, under --json, error events, which share stdout) are written once a turn; anything else
    // printed while serving flushes them first, so every line keeps its place.
    const lines = turnWriter(process.stdout)
    const metrics = flags.metrics === undefined ? undefined : await (await import('../../src/metrics/index.js')).serveOpsMetrics(flags.metrics, {publicPort: {flag: '--port', port: flags.port}, outbox: () => running?.outbox, logError: (line) => this.warnLine(line)})
    running = await startServe(
      {
        bot: flags.bot,
        token: flags.token,
        configPath: flags.config,
        port: flags.port,
        host: flags.host,
        stateDir: flags['state-dir'],
        requestTimeoutMs: flags['request-timeout'] * 1000,
        drainMs: flags['drain-seconds'] * 1000,
        insecureNoSecret: flags['insecure-no-secret'],
        pathPrefix: flags['path-prefix'],
      },
      {
        ...this.clientOptions,
        // One line per handled update: written as `log` would, without asking oclif about --json each time.
        log: json ? (line, about) => lines.write(this.jsonEventLine('update', {...about, message: line})) : (line) => lines.write(`${redact(line)}\n`),
        logError: (line) => {
          if (!json) {
            lines.flush()
            process.stderr.write(`${redact(line)}\n`)
          } else if (line.startsWith(WARNING)) lines.write(this.jsonEventLine('warning', {message: line.slice(WARNING.length)}))
          else lines.write(this.jsonEventLine('error', {message: line}))
        },
        ...(metrics ? {onOutcome: metrics.recordWebhookUpdate} : {}),
        // /status shows the monitor's last results next to the bots.
        monitorStatus: (monitor) => monitorStatusSections({store: monitor}),
      },
    ).catch(async (error: unknown) => {
      lines.flush()
      await metrics?.close()
      throw error
    })
    // Listening before the first line is printed: a service manager that stops serve as soon as it speaks would
    // otherwise end it by the default action of the signal, before its handlers were there.
    const signals = stopSignals()
    lines.flush()
    for (const warning of running.warnings) this.warnLine(warning)
    this.log(`Note: ${WEBHOOK_EXCLUDES_POLLING}`)
    for (const bot of running.bots) this.log(`serving ${describeServedBot(bot)}`)
    if (running.keptAtStart > 0) this.log(`handling ${running.keptAtStart} updates kept at the last stop`)
    this.log(`listening on ${running.server.url}`)
    if (metrics) this.log(`metrics on ${metrics.url}`)
    this.jsonEvent('started', {url: running.server.url, port: running.server.port, bots: running.bots.map(servedBotFields), ...(metrics ? {metrics: metrics.url} : {}), keptAtStart: running.keptAtStart, warnings: running.warnings})
    const signal = await signals.first
    lines.flush()
    this.log(`${signal}: finishing queued updates`)
    this.jsonEvent('stopping', {signal})
    const hurry = new AbortController()
    void signals.second.then((again) => {
      lines.flush()
      this.log(`${again} again: not waiting for queued updates; those not started are kept for the next serve`)
      this.jsonEvent('stopping', {signal: again, again: true})
      hurry.abort()
    })
    const {kept, abandoned} = await running.close(hurry.signal)
    signals.stopListening()
    await metrics?.close()
    lines.flush()
    if (kept > 0) this.log(`kept ${kept} updates not handled within --drain-seconds: the next webhook serve handles them`)
    this.log(`stopped after ${running.server.accepted} updates`)
    this.jsonEvent('stopped', {updates: running.server.accepted, kept})
    // A reply still on its way would hold the process until its call times out (30 s), past a service manager's
    // patience; it was named above. The exit waits for what stdout and stderr still hold (pipes are asynchronous on
    // macOS).
    if (abandoned > 0) {
      await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))))
      process.exit()
    }
  }
}


/**
 * SIGINT and SIGTERM from the start of serving to its end, through one listener that stays: between two listeners there
 * was a moment without any, when a signal ended the process by its default action. The first stops serving; the second
 * (Ctrl-C again) ends the wait for queued updates, and what was not started is kept as at the end of --drain-seconds
 * (before, it ended the process and updates Telegram had its 200 for were lost); a third ends the process.
 */
function stopSignals(): {first: Promise<NodeJS.Signals>; second: Promise<NodeJS.Signals>; stopListening(): void} {
  const names = ['SIGINT', 'SIGTERM'] as const
  const received: Array<(name: NodeJS.Signals) => void> = []
  const first = new Promise<NodeJS.Signals>((resolve) => received.push(resolve))
  const second = new Promise<NodeJS.Signals>((resolve) => received.push(resolve))
  let count = 0
  const stopListening = () => {
    for (const name of names) process.off(name, onSignal)
  }
  function onSignal(name: NodeJS.Signals): void {
    const next = received[count++]
    if (next !== undefined) {
      next(name)
      return
    }
    stopListening()
    process.kill(process.pid, name)
  }
  for (const name of names) process.on(name, onSignal)
  return {first, second, stopListening}
}
