// A long-running command (`webhook serve`, `monitor watch`) sent SIGTERM the moment it prints its first stdout line,
// as a service manager may stop a process it has just started.
import {spawn} from 'node:child_process'
import {resolve} from 'node:path'

import type {CliSandbox} from './run-cli.js'

const BIN = resolve(import.meta.dirname, '../../bin/run.js')

export interface StoppedRun {
  exitCode: number | null
  /** The signal that ended the process, when its handlers were not there to take it. */
  signal: string | null
  stdout: string
  stderr: string
}

export function stoppedAtFirstLine(cli: CliSandbox, argv: string[], env: Record<string, string> = {}): Promise<StoppedRun> {
  const child = spawn(process.execPath, [BIN, ...argv], {env: {...cli.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']})
  const output = {stdout: '', stderr: ''}
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (output.stdout === '') child.kill('SIGTERM')
    output.stdout += chunk
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr += chunk
  })
  return new Promise((done) => child.once('close', (exitCode, signal) => done({exitCode, signal, ...output})))
}
