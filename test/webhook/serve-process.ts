// `webhook serve` as a child process on a free port (`--port 0`): it prints `listening on <url>` when ready. Tests
// wait for lines the server prints (`... replied`), never for a fixed time.
import {type ChildProcess, spawn} from 'node:child_process'
import {resolve} from 'node:path'

import {afterEach} from 'vitest'

import type {CliSandbox} from '../helpers/run-cli.js'

const BIN = resolve(import.meta.dirname, '../../bin/run.js')
/** How long a wait may take before the test fails with what the server printed; not a timing assertion. */
const WAIT_LIMIT_MS = 15_000

export interface PostResult {
  status: number
  text: string
}

export interface ServeProcess {
  /** `http://127.0.0.1:<port>` */
  url: string
  stdout(): string
  stderr(): string
  /** POSTs `body` (an object is sent as JSON) to `/api/telegram/webhook/<botId>/`. */
  post(botId: number | string, body: unknown, headers?: Record<string, string>): Promise<PostResult>
  /** Resolves when stdout (or stderr) has `occurrence` lines matching `pattern`, counting from the start. @default 1 */
  waitForLine(pattern: RegExp, stream?: 'stdout' | 'stderr', occurrence?: number): Promise<string>
  /** How many lines of stdout (or stderr) match `pattern` so far. */
  countLines(pattern: RegExp, stream?: 'stdout' | 'stderr'): number
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<{exitCode: number | null; stdout: string; stderr: string}>
  /** Sends a signal without waiting. */
  kill(signal: NodeJS.Signals): void
  /** Waits for the exit, sending nothing. */
  exited(): Promise<{exitCode: number | null; stdout: string; stderr: string}>
}

export async function startServeProcess(cli: CliSandbox, args: string[], env: Record<string, string | undefined> = {}): Promise<ServeProcess> {
  const merged: Record<string, string> = {...cli.env}
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete merged[key]
    else merged[key] = value
  }
  const child: ChildProcess = spawn(process.execPath, [BIN, 'webhook', 'serve', '--port', '0', ...args], {env: merged, stdio: ['ignore', 'pipe', 'pipe']})
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
  const exited = new Promise<number | null>((done) => child.once('close', (code) => {
    closed = true
    notify()
    done(code)
  }))

  const matching = (pattern: RegExp, stream: 'stdout' | 'stderr') => output[stream].split('\n').filter((line) => pattern.test(line))
  const waitForLine = (pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout', occurrence = 1) =>
    new Promise<string>((done, fail) => {
      const check = () => {
        const line = matching(pattern, stream)[occurrence - 1]
        if (line !== undefined) {
          cleanup()
          done(line)
        } else if (closed) {
          cleanup()
          fail(new Error(`serve exited (${child.exitCode}) before printing ${pattern}:\n${output.stdout}\n${output.stderr}`))
        }
      }
      const timer = setTimeout(() => {
        cleanup()
        fail(new Error(`no ${stream} line matching ${pattern} after ${WAIT_LIMIT_MS} ms:\n${output.stdout}\n${output.stderr}`))
      }, WAIT_LIMIT_MS)
      const cleanup = () => {
        clearTimeout(timer)
        listeners.delete(check)
      }
      listeners.add(check)
      check()
    })

  // Under --json the url comes in the `started` event, one JSON object a line.
  const json = args.includes('--json')
  const listening = await waitForLine(json ? /^\{"event":"started"/ : /^listening on http:\/\//).catch(async (error) => {
    child.kill('SIGKILL')
    throw error
  })
  const url = json ? (JSON.parse(listening) as {url: string}).url : listening.slice('listening on '.length).trim()

  return {
    url,
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    async post(botId, body, headers = {}) {
      const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body)
      const response = await fetch(`${url}/api/telegram/webhook/${botId}/`, {
        method: 'POST',
        headers: {'content-type': 'application/json', ...headers},
        body: payload,
      })
      return {status: response.status, text: await response.text()}
    },
    waitForLine,
    countLines: (pattern, stream = 'stdout') => matching(pattern, stream).length,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      const exitCode = await exited
      return {exitCode, stdout: output.stdout, stderr: output.stderr}
    },
    kill(signal) {
      child.kill(signal)
    },
    async exited() {
      return {exitCode: await exited, stdout: output.stdout, stderr: output.stderr}
    },
  }
}

/** Starts servers for a test and stops every one after it, passed or failed. Register after the fake Bot API's hooks. */
export function useServeProcesses(): (cli: CliSandbox, args: string[], env?: Record<string, string | undefined>) => Promise<ServeProcess> {
  const running: ServeProcess[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.stop()))
  })
  return async (cli, args, env) => {
    const server = await startServeProcess(cli, args, env)
    running.push(server)
    return server
  }
}
