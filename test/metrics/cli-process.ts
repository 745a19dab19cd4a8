// A long-running CLI command (`monitor watch`, `webhook serve`) as a child process of the built bundle. Tests wait
// for lines it prints, never for a fixed time.
import {type ChildProcess, execFileSync, spawn} from 'node:child_process'
import {resolve} from 'node:path'

import type {CliSandbox} from '../helpers/run-cli.js'

const BIN = resolve(import.meta.dirname, '../../bin/run.js')
/** How long a wait may take before the test fails with what the process printed; not a timing assertion. */
const WAIT_LIMIT_MS = 20_000

export interface CliProcess {
  stdout(): string
  stderr(): string
  /** Resolves with the first line of stdout (or of `stream`) matching `pattern`. */
  waitForLine(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<string>
  /** The exit, as it comes (nothing is sent to the process). */
  done(): Promise<{exitCode: number | null; stdout: string; stderr: string}>
  /** SIGTERM, then the exit. */
  stop(): Promise<{exitCode: number | null; stdout: string; stderr: string}>
}

export function spawnCli(cli: CliSandbox, args: string[], env: Record<string, string> = {}): CliProcess {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {env: {...cli.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']})
  const output = {stdout: '', stderr: ''}
  const listeners = new Set<() => void>()
  const notify = () => {
    for (const listener of listeners) listener()
  }
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout += chunk
    notify()
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr += chunk
    notify()
  })
  // 'close', not 'exit': at 'exit' the last of stdout and stderr may still be on its way.
  let closed = false
  const exited = new Promise<number | null>((done) =>
    child.once('close', (code) => {
      closed = true
      notify()
      done(code)
    }),
  )
  return {
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    waitForLine: (pattern, stream = 'stdout') =>
      new Promise<string>((done, fail) => {
        const check = () => {
          const line = output[stream].split('\n').find((candidate) => pattern.test(candidate))
          if (line !== undefined) finish(() => done(line))
          else if (closed) finish(() => fail(new Error(`exited (${child.exitCode}) before printing ${pattern}:\n${output.stdout}\n${output.stderr}`)))
        }
        const timer = setTimeout(() => finish(() => fail(new Error(`no line matching ${pattern}:\n${output.stdout}\n${output.stderr}`))), WAIT_LIMIT_MS)
        const finish = (settle: () => void) => {
          clearTimeout(timer)
          listeners.delete(check)
          settle()
        }
        listeners.add(check)
        check()
      }),
    done: async () => ({exitCode: await exited, stdout: output.stdout, stderr: output.stderr}),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      const exitCode = await exited
      return {exitCode, stdout: output.stdout, stderr: output.stderr}
    },
  }
}

/** `promtool` when the Debian package `prometheus` is installed (.ci/run installs it), else undefined. */
export const PROMTOOL = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v promtool'], {encoding: 'utf8'}).trim() || undefined
  } catch {
    return undefined
  }
})()

/** `promtool check metrics` on `text`: its exit code and what it said (nothing when the text is clean). */
export function promtoolCheck(text: string): {exitCode: number; output: string} {
  try {
    const output = execFileSync(PROMTOOL!, ['check', 'metrics'], {input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe']})
    return {exitCode: 0, output}
  } catch (error) {
    const failed = error as {status: number; stdout: string; stderr: string}
    return {exitCode: failed.status, output: `${failed.stdout}${failed.stderr}`}
  }
}

/** The samples of our own metrics, histogram buckets left out: `name{labels} value` lines. */
export function ownSamples(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('fastpay_tg_') && !line.includes('_bucket{'))
}
