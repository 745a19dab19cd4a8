import {hostname} from 'node:os'
import {performance} from 'node:perf_hooks'

import {redact} from '../redact.js'
import type {AlertSender} from './alert-sender.js'
import {type ApplyReport, applyResults} from './apply-results.js'
import type {CheckCommon} from './check-spec.js'
import {type FlushAfterAlerts, flushAfterAlerts, type OutboxFlush} from './flush-outbox.js'
import {type CheckResult, outputTail} from './check-result.js'
import {spawnProblem} from './checks/command-check.js'
import {inProcessGroup} from './checks/process-group.js'
import {formatSpan} from '../support/duration.js'
import {OutputTail} from './output-tail.js'
import type {MonitorStore} from '../store/monitor-state.js'

/** `monitor exec`'s settings for the check it records; `name` is required, the rest default as documented. */
export type ExecCheck = Pick<CheckCommon, 'name'> & Partial<Omit<CheckCommon, 'name' | 'source'>>

export interface ExecJobOptions {
  check: ExecCheck
  /** The program and its arguments. */
  command: [string, ...string[]]
  store: MonitorStore
  sender: AlertSender
  /** The job's output also goes to ours, as if it ran alone. @default true */
  passThrough?: boolean
  /**
   * Where the job's stdout goes when passed through: our stdout, or our stderr when our stdout carries something
   * else (`monitor exec --json`'s result). @default 'stdout'
   */
  jobStdoutTo?: 'stdout' | 'stderr'
  /** @default Date.now */
  now?: () => number
  /** @default os.hostname() */
  host?: string
  /**
   * Delivers what waits in the outbox once the job's result is applied, as a monitor pass does: a nightly job's
   * alert spooled while Telegram was down would otherwise wait for the job's recovery. @default nothing is flushed
   */
  flushOutbox?: FlushAfterAlerts
}

export interface ExecJobReport extends ApplyReport {
  /** The job's own exit code (128 + signal number when a signal ended it; 127 not found; 126 not executable). */
  exitCode: number
  result: CheckResult
  /** What was delivered from the outbox, and what still waits there; set when the job flushes it. */
  outbox?: Omit<OutboxFlush, 'warnings'>
}

/** After `--max-time`'s SIGTERM, how long the job's process group has before SIGKILL. */
const KILL_GRACE_MS = 5000

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = {SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15}

/**
 * A cron job wrapped the way a healthchecks.io ping wraps it: runs the command, records its exit code, duration
 * and output tail as a result of check `name`, and alerts on failure and recovery through the same thresholds as
 * `monitor run` (failure-threshold 1 by default: a job that runs once a night should not fail three nights first).
 */
export async function execJob(options: ExecJobOptions): Promise<ExecJobReport> {
  const now = options.now ?? Date.now
  const {execa} = await import('execa')
  const pipe = options.passThrough === false ? 'pipe' : (['inherit', 'pipe'] as const)
  const stdout = options.passThrough === false ? 'pipe' : options.jobStdoutTo === 'stderr' ? (['pipe', process.stderr] as const) : pipe
  const [program, ...args] = options.command
  const startedAt = now()
  const started = performance.now()
  // Not buffered by execa: a job may print without end; only the tail is kept, in arrival order. In a process group
  // of its own, so that --max-time ends what the job started too, not only the job.
  const {child: subprocess, group} = inProcessGroup(
    () =>
      execa(program, args, {
        stdin: options.passThrough === false ? 'ignore' : 'inherit',
        stdout,
        stderr: pipe,
        buffer: false,
        reject: false,
        detached: true,
      }),
    KILL_GRACE_MS,
  )
  let timedOut = false
  const timer =
    options.check.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true
          group.stop()
        }, options.check.timeoutMs)
  const tail = new OutputTail()
  subprocess.stdout?.on('data', (chunk: Buffer) => tail.push(chunk))
  subprocess.stderr?.on('data', (chunk: Buffer) => tail.push(chunk))
  const run = await subprocess.finally(() => {
    clearTimeout(timer)
    group.release()
  })
  const durationMs = Math.round(performance.now() - started)
  const output = redact(outputTail(tail.text()))
  let exitCode: number
  let message: string
  if (run.exitCode !== undefined) {
    // A job that traps SIGTERM and exits 0 still ran past --max-time: cron sees 124, as timeout(1) gives it.
    exitCode = timedOut && run.exitCode === 0 ? 124 : run.exitCode
    message = timedOut ? `timed out after ${formatSpan(options.check.timeoutMs!)} (exit code ${run.exitCode})` : `exit code ${exitCode}`
  } else if (run.signal) {
    exitCode = 128 + (SIGNAL_NUMBERS[run.signal] ?? 0)
    message = timedOut ? `timed out after ${formatSpan(options.check.timeoutMs!)}` : `killed by ${run.signal}`
  } else {
    exitCode = run.code === 'ENOENT' ? 127 : 126
    message = spawnProblem(run.code, program, run.originalMessage)
  }
  const result: CheckResult = {ok: exitCode === 0 && !timedOut, startedAt, durationMs, message: redact(message), exitCode, ...(output === '' ? {} : {output})}
  const check: CheckCommon = {
    source: 'monitor exec',
    intervalMs: 0,
    timeoutMs: 0,
    failureThreshold: 1,
    successThreshold: 1,
    channel: 'health',
    sendOnResolved: true,
    severity: 'error',
    throttleMs: 0,
    ...definedOnly(options.check),
    name: options.check.name,
  }
  const target = redact(`exec ${options.command.join(' ')}`)
  const applied = await applyResults([{check, target, result}], {store: options.store, sender: options.sender, now, host: options.host ?? hostname()})
  const outbox = options.flushOutbox ? await flushAfterAlerts(options.flushOutbox, applied) : undefined
  return {...applied, exitCode, result, ...(outbox ? {outbox} : {})}
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>
}
