import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {htmlFlag, metricsFlag} from '../ops-flags.js'
import {passFlags} from './pass-flags.js'

export default class MonitorWatch extends BaseCommand<typeof MonitorWatch, void> {
  static override summary = 'Run the checks on their intervals until stopped.'
  static override description = `Like monitor run, in a loop: each check runs every interval (checks due together share a pass), and the monitors file is read again before each pass, so edits apply without a restart (a file that no longer loads is reported once; the last good one stays in use). SIGINT or SIGTERM lets the pass in flight finish, then exits 0.

Prints one line per change and alert. With --json, prints one JSON object a line: started (checks, sources), pass (each pass, as monitor run --json reports one), reloaded (checks, sources: an edit now in use), reload-failed, stopping, stopped.`

  static override examples = [
    '<%= config.bin %> monitor watch',
    '<%= config.bin %> monitor watch --file /etc/fastpay-tg/monitors/',
    "<%= config.bin %> monitor watch --json | jq -c 'select(.event == \"pass\") | .alerts[]'",
  ]

  // A stream: under --json, one event a line.
  static override jsonLines = true

  static override flags = {
    ...passFlags,
    check: Flags.string({description: 'Watch only this check; repeatable.', multiple: true}),
    verbose: Flags.boolean({description: 'Print every check of every pass.'}),
    metrics: metricsFlag,
    html: htmlFlag,
  }

  public async run(): Promise<void> {
    const {flags} = this
    const [{loadMonitorsOnce, locateMonitors, selectChecks}, {runPass}, {passLines}, {watchMonitors}, {resolveStateDir}] = await Promise.all([
      import('../../src/monitor/load-monitors.js'),
      import('../../src/monitor/run-pass.js'),
      import('../../src/monitor/report-lines.js'),
      import('../../src/monitor/watch.js'),
      import('../../src/support/state-dir.js'),
    ])
    const location = locateMonitors(flags.file)
    // Parsed and validated again only when the file changes (path, inode, mtime, size): a watch reloads before every
    // pass. The first load may come from the parse cache `monitor run` keeps in the state dir.
    const cache = {}
    const loadOptions = {stateDir: resolveStateDir(flags['state-dir']), debug: this.debugLine}
    let inUse: Awaited<ReturnType<typeof loadMonitorsOnce>> | undefined
    const load = async () => {
      const config = await loadMonitorsOnce(location, cache, process.env, loadOptions)
      const checks = selectChecks(config, flags.check)
      // The same object while the file is unchanged: a new one is an edit now in use (after a broken one, the fix).
      if (inUse !== undefined && config !== inUse) {
        this.log(`reloaded ${config.sources.join(', ')}: watching ${checks.length} check${checks.length === 1 ? '' : 's'}`)
        this.jsonEvent('reloaded', {checks: checks.map((check) => check.name), sources: config.sources})
      }
      inUse = config
      return {...config, checks}
    }
    const first = await load()
    const {openMonitorRuntime} = await import('../../src/monitor/runtime.js')
    const runtime = await openMonitorRuntime({...this.botOptions, stateDir: flags['state-dir'], host: flags.host, onWarning: (line) => this.warnLine(line)})
    const metrics = flags.metrics === undefined ? undefined : await (await import('../../src/metrics/index.js')).serveOpsMetrics(flags.metrics, {outbox: () => runtime.outbox, logError: (line) => this.warnLine(line)})
        .catch(async (error: unknown) => {
          await runtime.close()
          throw error
        })
    const page = flags.html === undefined ? undefined : (await import('../../src/status-page/index.js')).statusPageWriter(flags.html, runtime, {softFail: true})
    const stop = new AbortController()
    // Listening until the end, not once: while a command check runs, execa's exit hook listens too, and it re-raises
    // a signal that no one else listens to, which killed the watch (exit 143) in the middle of stopping cleanly. A
    // second signal still ends the process at once, as it would without us.
    const onSignal = (signal: NodeJS.Signals) => {
      if (stop.signal.aborted) {
        stopListening()
        process.kill(process.pid, signal)
        return
      }
      this.log(`${signal}: stopping after the pass in flight`)
      this.jsonEvent('stopping', {signal})
      stop.abort()
    }
    const stopListening = () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    // Printed once the handlers are there: a signal sent as soon as watch speaks stops it cleanly.
    if (metrics) this.log(`metrics on ${metrics.url}`)
    this.log(`watching ${first.checks.length} check${first.checks.length === 1 ? '' : 's'} from ${first.sources.join(', ')}`)
    this.jsonEvent('started', {checks: first.checks.map((check) => check.name), sources: first.sources})
    let loaded: typeof first | undefined = first
    const {passes} = await watchMonitors({
      load: async () => {
        // The first pass uses what was checked at start.
        const config = loaded ?? (await load())
        loaded = undefined
        return config
      },
      pass: async (checks, config) => {
        // A check taken out of the file by an edit no longer has series to scrape.
        metrics?.keepChecks(config.checks.map((check) => check.name))
        const report = await runPass({
          checks,
          store: runtime.store,
          sender: runtime.sender,
          concurrency: flags.concurrency ?? config.concurrency,
          telegram: runtime.telegram,
          historyRetentionMs: config.historyRetentionMs,
          ...runtime.passOptions,
        })
        await runtime.recordPass(report)
        if (page) report.warnings.push(...(await page(config.checks)))
        return report
      },
      signal: stop.signal,
      onPass: (report) => {
        metrics?.recordPass(report)
        for (const warning of report.warnings) this.warnLine(warning)
        for (const line of passLines(report, flags.verbose)) this.log(line)
        this.jsonEvent('pass', {...report})
      },
      onReloadError: (message) => {
        this.warnLine(`${message} (still watching with the last good monitors file)`)
        this.jsonEvent('reload-failed', {message})
      },
    })
    stopListening()
    await runtime.close()
    await metrics?.close()
    const warnings = await runtime.finish()
    for (const warning of warnings) this.warnLine(warning)
    this.log(`stopped after ${passes} pass${passes === 1 ? '' : 'es'}`)
    this.jsonEvent('stopped', {passes, warnings})
  }
}
