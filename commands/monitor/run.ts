import {Flags} from '@oclif/core'

import type {RanCheck} from '../../src/monitor/apply-results.js'
import type {PassReport} from '../../src/monitor/run-pass.js'
import type {CheckSpec} from '../../src/monitor/check-spec.js'
import {BaseCommand} from '../base-command.js'
import {metricsFileFlag} from '../ops-flags.js'
import {passFlags} from './pass-flags.js'

export type MonitorRunResult = Omit<PassReport, 'warnings'> & {sources: string[]; warnings: string[]}
/** `--dry-run --json`: what each check found, and nothing else. */
export interface MonitorDryRunResult {
  dryRun: true
  checks: Array<{name: string; target: string} & RanCheck['result']>
  checksMs: number
  sources: string[]
  warnings: string[]
}

export default class MonitorRun extends BaseCommand<typeof MonitorRun, MonitorRunResult | MonitorDryRunResult> {
  static override summary = 'Run every check of the monitors file once, and alert on changes.'
  static override description = `Runs the checks concurrently (--concurrency, or concurrency: in the file), applies the results to each check's state (kept in the state dir between runs), and alerts through the throttle and outbox only when a check goes down (failure-threshold failing results in a row) or comes back (success-threshold passing ones), with reminders while down when reminder-interval is set. Several checks of one channel going down in one pass share one alert. Passes that overlap take turns on the state, so a change alerts once. Then delivers what waits in the outbox, as alert flush does (an alert spooled by an earlier pass while Telegram was down). Prints one line per change, alert and delivered entry, nothing otherwise (--verbose: every check).

Guarantee: one alert per state change, also when passes overlap or a fleet shares Redis; an alert that cannot be sent stays pending in the state (monitor status shows it) and is delivered once later, by the outbox or a later pass. Not guaranteed: the checks' own side effects.

--dry-run runs the checks and prints what each found, and does nothing else: no state is read or changed, no alert is sent, nothing is recorded (a new monitors file, or one copied from the repository, can be tried on a machine without paging anyone). The checks themselves still run: a command check runs its command.

Exit codes: 0 done (whatever the checks found), 1 an alert was refused or could not be evaluated, 2 bad monitors file or config, 75 an alert (of this pass or an earlier one) waits in the outbox.`

  static override examples = [
    '<%= config.bin %> monitor run',
    '<%= config.bin %> monitor run --file /etc/fastpay-tg/monitors/ --verbose',
    {description: 'Try a monitors file: what each check finds, without state or alerts.', command: '<%= config.bin %> monitor run --file monitors/ --dry-run'},
    {description: 'From crontab, every minute (* * * * *).', command: '<%= config.bin %> monitor run'},
  ]

  static override flags = {
    ...passFlags,
    check: Flags.string({description: 'Run only this check; repeatable.', multiple: true}),
    verbose: Flags.boolean({description: 'Print every check and a summary, not only changes.'}),
    'dry-run': Flags.boolean({description: 'Run the checks and print what each found; no state, no alerts, no history.', exclusive: ['metrics-file']}),
    'metrics-file': {...metricsFileFlag, exclusive: ['dry-run']},
  }

  public async run(): Promise<MonitorRunResult | MonitorDryRunResult> {
    const {flags} = this
    const [{loadMonitors, locateMonitors, selectChecks}, {runPass}, {passLines}, {terminalProgress}, {worstExitCode, ExitCode}, {resolveStateDir}] = await Promise.all([
      import('../../src/monitor/load-monitors.js'),
      import('../../src/monitor/run-pass.js'),
      import('../../src/monitor/report-lines.js'),
      import('../../src/monitor/progress.js'),
      import('../../src/exit-codes.js'),
      import('../../src/support/state-dir.js'),
    ])
    // Under cron the file is the same run after run: its validated data is kept in the state dir (a dry run writes
    // nothing, that cache included).
    const stateDir = flags['dry-run'] ? undefined : resolveStateDir(flags['state-dir'])
    const config = await loadMonitors(locateMonitors(flags.file), process.env, {stateDir, debug: this.debugLine})
    const checks = selectChecks(config, flags.check)
    if (flags['dry-run']) return this.dryRun(checks, flags.concurrency ?? config.concurrency, config.sources)
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
        const fileChecks = config.checks.map((check) => check.name)
        metricsWarnings.push(...(await writePassMetrics(flags['metrics-file'], report, runtime.outbox, fileChecks)))
      }
    } finally {
      progress?.end()
      await runtime.close()
    }
    const warnings = [...report.warnings, ...(await runtime.finish()), ...metricsWarnings]
    for (const warning of warnings) this.warnLine(warning)
    for (const line of passLines(report, flags.verbose)) this.log(line)
    // 75 also when nothing alerted: an entry of an earlier pass still waits in the outbox.
    const waiting = (report.outbox?.waiting ?? 0) > 0 ? [ExitCode.spooled] : []
    const exitCode = report.evaluated ? worstExitCode([...report.alerts.map((alert) => alert.exitCode), ...waiting]) : 1
    if (exitCode !== 0) process.exitCode = exitCode
    return {...report, sources: config.sources, warnings}
  }

  /** No store is opened: the checks run, and their findings are printed. */
  private async dryRun(checks: CheckSpec[], concurrency: number | undefined, sources: string[]): Promise<MonitorDryRunResult> {
    const [{runChecks}, {dryRunLines}, {terminalProgress}, {telegramProbe}] = await Promise.all([
      import('../../src/monitor/run-pass.js'),
      import('../../src/monitor/report-lines.js'),
      import('../../src/monitor/progress.js'),
      import('../../src/monitor/checks/telegram-check.js'),
    ])
    const {configPath, timeoutMs, debug} = this.botOptions
    const telegram = telegramProbe({configPath, timeoutMs, debug})
    const progress = this.jsonEnabled() ? undefined : terminalProgress(process.stderr)
    let ran: Awaited<ReturnType<typeof runChecks>>
    try {
      ran = await runChecks({checks, concurrency, telegram, ...(progress ? {onProgress: (done: number, total: number) => progress.update(done, total)} : {})})
    } finally {
      progress?.end()
    }
    for (const line of dryRunLines(ran.checked, ran.checksMs)) this.log(line)
    const found = ran.checked.map(({check, target, result}) => ({name: check.name, target, ...result}))
    return {dryRun: true, checks: found, checksMs: ran.checksMs, sources, warnings: []}
  }
}
