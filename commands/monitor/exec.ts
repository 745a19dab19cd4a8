import {Flags} from '@oclif/core'

import type {ExecJobReport} from '../../src/monitor/exec-job.js'
import {BaseCommand} from '../base-command.js'

export type MonitorExecResult = Omit<ExecJobReport, 'warnings'> & {warnings: string[]}

export default class MonitorExec extends BaseCommand<typeof MonitorExec, MonitorExecResult> {
  static override summary = 'Run a cron job, record its result as a check, alert on failure and recovery.'
  static override description = `Runs CMD ARGS... (its output goes to ours, as if it ran alone), records its exit code, duration and the tail of its output as a result of check --name, and alerts through the throttle and outbox when the check goes down (--failure-threshold failing runs in a row, default 1) and when it recovers, saying how long it was down. Exits with the job's own code (127 when not found, 126 when not executable, 128+N when signal N ended it), whatever became of the alert. Then delivers what waits in the outbox, as monitor run does (an alert spooled by an earlier run while Telegram was down).

With --json, the job's stdout goes to stderr, and stdout holds only the result, printed when the job has ended: its exit code, the recorded result, the check's change and the alerts sent.`

  static override usage = 'monitor exec --name <value> [FLAGS] -- CMD [ARGS...]'

  static override examples = [
    '<%= config.bin %> monitor exec --name nightly-backup -- /usr/local/bin/backup.sh --full',
    '<%= config.bin %> monitor exec --name nightly-backup --reminder-interval 24h -- backup.sh',
    '<%= config.bin %> monitor exec --name nightly-backup --json -- backup.sh 2>>/var/log/backup.log | jq .exitCode',
  ]

  static override strict = false

  static override flags = {
    name: Flags.string({description: 'The check this job reports as (a name: letters, digits, _ . or -).', required: true}),
    channel: Flags.string({description: 'The bot (by name) its alerts go to.', default: 'health'}),
    'failure-threshold': Flags.integer({description: 'Failing runs in a row before it alerts.', default: 1, min: 1}),
    'success-threshold': Flags.integer({description: 'Passing runs in a row before a down job is up again.', default: 1, min: 1}),
    'reminder-interval': Flags.string({description: 'While down, a reminder at most this often (e.g. 24h); none by default.'}),
    'no-send-on-resolved': Flags.boolean({description: 'No alert when it recovers.'}),
    severity: Flags.string({description: 'info, warning, error or critical.', default: 'error'}),
    'max-time': Flags.string({description: 'Kill the job after this long (e.g. 2h), and count it as failed.'}),
    'state-dir': Flags.string({description: 'Where check states, history, throttle and outbox live.', env: 'FASTPAY_TG_STATE_DIR'}),
  }

  public async run(): Promise<MonitorExecResult> {
    const {flags} = this
    const [{UserError}, {parseSeverity}, {parseDurationMs, DURATION_EXPECTED}, {CHECK_NAME}, {execJob}, {passLines}, {redact}] = await Promise.all([
      import('../../src/user-error.js'),
      import('../../src/alert/severity.js'),
      import('../../src/support/duration.js'),
      import('../../src/monitor/check-spec.js'),
      import('../../src/monitor/exec-job.js'),
      import('../../src/monitor/report-lines.js'),
      import('../../src/redact.js'),
    ])
    const dash = this.argv.indexOf('--')
    const command = dash < 0 ? [] : this.argv.slice(dash + 1)
    if (command.length === 0) throw new UserError('CMD: nothing to run: put the command after --, as in monitor exec --name backup -- backup.sh')
    if (!CHECK_NAME.test(flags.name)) throw new UserError(`--name: expected a name: letters, digits, _ . or - (got ${JSON.stringify(flags.name)})`)
    const duration = (flag: string, value: string | undefined) => {
      if (value === undefined) return undefined
      const ms = parseDurationMs(value)
      if (ms === undefined || ms === 0) throw new UserError(`${flag}: ${DURATION_EXPECTED} (got ${JSON.stringify(value)})`)
      // Past 2^31-1 ms a Node timer fires at once: a month-long timeout would be none.
      if (ms > 24 * 86_400_000) throw new UserError(`${flag}: expected a duration of at most 24d (got ${JSON.stringify(value)})`)
      return ms
    }
    const {openMonitorRuntime} = await import('../../src/monitor/runtime.js')
    const runtime = await openMonitorRuntime({...this.botOptions, stateDir: flags['state-dir'], onWarning: (line) => this.warnLine(line)})
    const report = await execJob({
      check: {
        name: flags.name,
        channel: flags.channel,
        failureThreshold: flags['failure-threshold'],
        successThreshold: flags['success-threshold'],
        reminderIntervalMs: duration('--reminder-interval', flags['reminder-interval']),
        sendOnResolved: !flags['no-send-on-resolved'],
        severity: parseSeverity(flags.severity),
        timeoutMs: duration('--max-time', flags['max-time']),
      },
      command: command as [string, ...string[]],
      jobStdoutTo: this.jsonEnabled() ? 'stderr' : 'stdout',
      store: runtime.store,
      sender: runtime.sender,
      host: runtime.host,
      flushOutbox: runtime.passOptions.flushOutbox,
    }).finally(() => runtime.close())
    // The job's stdout is ours: what we have to say goes to stderr (under --json, the result says it).
    const warnings = [...report.warnings, ...(await runtime.finish())]
    for (const warning of warnings) this.warnLine(warning)
    if (!this.jsonEnabled()) for (const line of passLines(report)) process.stderr.write(`fastpay-tg: ${redact(line)}
`)
    process.exitCode = report.exitCode
    return {...report, warnings}
  }
}
