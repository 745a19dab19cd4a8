import type {CommandCheck} from '../check-spec.js'
import {type CheckOutcome, fail, outputTail, pass} from '../check-result.js'
import {inProcessGroup} from './process-group.js'
import {matchesWithinDeadline} from './regex-time-limit.js'

/** After SIGTERM, how long the command's process group has before SIGKILL. */
const KILL_GRACE_MS = 2000

/**
 * Runs the command (no stdin, output captured) and judges its exit code and output by the check's `expect`. At the
 * timeout (`signal`) the command and everything it started are stopped: it runs in a process group of its own.
 */
export async function runCommandCheck(check: CommandCheck, signal: AbortSignal): Promise<CheckOutcome> {
  if (signal.aborted) throw signal.reason
  const {execa} = await import('execa')
  const options = {
    cwd: check.cwd,
    env: commandEnv(check),
    extendEnv: check.inheritEnv === true,
    stdin: 'ignore',
    all: true,
    reject: false,
    detached: true,
    maxBuffer: 1024 * 1024,
  } as const
  const {child: subprocess, group} = inProcessGroup(
    () => (typeof check.run === 'string' ? execa(check.run, {...options, shell: true}) : execa(check.run[0]!, check.run.slice(1), options)),
    KILL_GRACE_MS,
  )
  signal.addEventListener('abort', group.stop, {once: true})
  // The deadline may have passed while execa was loading: a listener added to an aborted signal never runs.
  if (signal.aborted) group.stop()
  const result = await subprocess.finally(() => {
    signal.removeEventListener('abort', group.stop)
    group.release()
  })
  if (signal.aborted) throw signal.reason
  if (result.isMaxBuffer) return fail('the command printed more than 1 MiB; it was stopped')
  const output = outputTail(String(result.all ?? ''))
  const extra = {...(output === '' ? {} : {output}), ...(result.exitCode === undefined ? {} : {exitCode: result.exitCode})}
  if (result.exitCode === undefined) {
    if (result.signal) return fail(`killed by ${result.signal}`, extra)
    return fail(spawnProblem(result.code, typeof check.run === 'string' ? check.run : check.run[0]!, result.originalMessage), extra)
  }
  const {expect} = check
  if (result.exitCode !== expect.exitCode) return fail(`exit code ${result.exitCode}, expected ${expect.exitCode}`, extra)
  const all = String(result.all ?? '')
  if (expect.outputContains !== undefined && !all.includes(expect.outputContains)) {
    return fail(`exit code ${result.exitCode}, but the output does not contain ${JSON.stringify(expect.outputContains)}`, extra)
  }
  if (expect.outputMatches !== undefined && !(await matchesWithinDeadline(expect.outputMatches, all, signal))) {
    return fail(`exit code ${result.exitCode}, but the output does not match /${expect.outputMatches}/`, extra)
  }
  return pass(`exit code ${result.exitCode}`, extra)
}

/** Kept from our environment for every command: enough to find programs and read text, and no secret. */
const PASSED_ON = ['PATH', 'HOME', 'LANG'] as const

/**
 * A command gets PATH, HOME and LANG plus its `env:`, not the bot token, store URL or anything else of ours, unless
 * the check says `inherit-env: true`.
 */
export function commandEnv(check: Pick<CommandCheck, 'env' | 'inheritEnv'>, ours: NodeJS.ProcessEnv = process.env): Record<string, string> {
  if (check.inheritEnv) return check.env
  const kept = Object.fromEntries(PASSED_ON.flatMap((name) => (ours[name] === undefined ? [] : [[name, ours[name]]])))
  return {...kept, ...check.env}
}

/** Why a command did not start: `command not found: ./queue-depth.sh`. */
export function spawnProblem(code: string | undefined, program: string, fallback: string | undefined): string {
  if (code === 'ENOENT') return `command not found: ${program}`
  if (code === 'EACCES') return `not executable: ${program}`
  return `could not run ${program}: ${(fallback ?? code ?? 'unknown error').split('\n')[0]}`
}
