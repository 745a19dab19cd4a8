import {Flags} from '@oclif/core'

import type {PassReport} from '../../src/monitor/run-pass.js'
import {BaseCommand} from '../base-command.js'
import {metricsFileFlag} from '../ops-flags.js'
import {passFlags} from './pass-flags.js'

export type MonitorRunResult = Omit<PassReport, 'warnings'> & {sources: string[]; warnings: string[]}

export default class MonitorRun extends BaseCommand<typeof MonitorRun, MonitorRunResult> {
  static override summary = 'Run every check of the monitors file once, and alert on changes.'
  static override description = `Runs the checks concurrently (--concurrency, or concurrency: in the file), applies the results to each check's state (kept in the state dir between runs), and alerts through the throttle and outbox only when a check goes down (failure-threshold failing results in a row) or comes back (success-threshold passing ones), with reminders while down when reminder-interval is set. Several checks of one channel going down in one pass share one alert. Passes that overlap take turns on the state, so a change alerts once. Prints one line per change and alert, nothing otherwise (--verbose: every check).

Guarantee: one alert per state change, also when passes overlap or a fleet shares Redis; an alert that cannot be sent stays pending in the state (monitor status shows it) and is delivered once later, by the outbox or a later pass. Not guaranteed: the checks' own side effects.

Exit codes: 0 done (whatever the checks found), 1 an alert was refused or could not be evaluated, 2 bad monitors file or config, 75 an alert waits in the outbox.`

  static override examples = [
    '<%= config.bin %> monitor run',
    '<%= config.bin %> monitor run --file /etc/fastpay-tg/monitors/ --verbose',
    {description: 'From crontab, every minute (* * * * *).', command: '<%= config.bin %> monitor run'},
  ]

  static override flags = {
    ...passFlags,
    check: Flags.string({description: 'Run only this check; repeatable.', multiple: true}),
    verbose: Flags.boolean({description: 'Print every check and a summary, not only changes.'}),
    'metrics-file': metricsFileFlag,
  }

  public async run(): Promise<MonitorRunResult> {
    const {flags} = this
    const [{loadMonitors, locateMonitors, selectChecks}, {runPass}, {passLines}, {terminalProgress}, {worstExitCode}, {resolveStateDir}] = await Promise.all([
      import('../../src/monitor/load-monitors.js'),
      import('../../src/monitor/run-pass.js'),
      import('../../src/monitor/report-lines.js'),
      import('../../src/monitor/progress.js'),
      import('../../src/exit-codes.js'),
      import('../../src/support/state-dir.js'),
    ])
    // Under cron the file is the same run after run: its validated data is kept in the state dir.
    const config = await loadMonitors(locateMonitors(flags.file), process.env, {stateDir: resolveStateDir(flags['state-dir']), debug: this.debugLine})
    const checks = selectChecks(config, flags.check)
    const {openMonitorRuntime} = await import('../../src/monitor/runtime.js')
    const runtime = await openMonitorRuntime({...this.botOptions, stateDir: flags['state-dir'], host: flags.host, onWarning: (line) => this.warnLine(line)})
    const progress = this.jsonEnabled() ? undefined : terminalProgress(process.stderr)
    let report: PassReport
    const metricsWarnings: string[] = []
    try {
      report = await runPass({
        checks,
        store: runtime.store,
        ...runtime.passOptions,
        sender: runtime.sender,
        concurrency: flags.concurrency ?? config.concurrency,
        telegram: runtime.telegram,
        historyRetentionMs: config.historyRetentionMs,
        ...(progress ? {onProgress: (done: number, total: number) => progress.update(done, total)} : {}),
      })
      await runtime.recordPass(report)
      // While the store is open: the file counts the outbox's entries.
      if (flags['metrics-file'] !== undefined) {
        const {writePassMetrics} = await import('../../src/metrics/index.js')
        metricsWarnings.push(...(await writePassMetrics(flags['metrics-file'], report, runtime.outbox)))
      }
    } finally {
      progress?.end()
      await runtime.close()
    }
    const warnings = [...report.warnings, ...(await runtime.finish()), ...metricsWarnings]
    for (const warning of warnings) this.warnLine(warning)
    for (const line of passLines(report, flags.verbose)) this.log(line)
    const exitCode = report.evaluated ? worstExitCode(report.alerts.map((alert) => alert.exitCode)) : 1
    if (exitCode !== 0) process.exitCode = exitCode
    return {...report, sources: config.sources, warnings}
  }
}
