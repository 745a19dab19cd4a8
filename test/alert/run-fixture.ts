import {spawn} from 'node:child_process'
import {join, resolve} from 'node:path'
import {build} from 'esbuild'

import {tempDir} from '../throttle/helpers.js'

/**
 * Bundles the fixture once: 50 processes each compiling TypeScript through tsx would spend seconds on start-up and
 * spread their starts, where cron starts them together.
 */
export async function bundleFixture(): Promise<string> {
  const outfile = join(tempDir('fastpay-tg-fixture-'), 'alert-run.mjs')
  await build({
    entryPoints: [resolve(import.meta.dirname, 'fixtures/alert-run.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: {js: "import {createRequire} from 'node:module'; const require = createRequire(import.meta.url);"},
    logLevel: 'warning',
  })
  return outfile
}

export interface FixtureRun {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs the bundled fixture with one job; `onStdout` sees output as it comes (to kill the process at a moment). */
export function runFixture(script: string, job: object, onStdout?: (text: string, kill: () => void) => void): Promise<FixtureRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, JSON.stringify(job)], {stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      onStdout?.(stdout, () => child.kill('SIGKILL'))
    })
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    // 'close' comes after the process was reaped: its pid is free, as after a real crash.
    child.on('close', (exitCode, signal) => resolvePromise({exitCode, signal, stdout, stderr}))
  })
}
