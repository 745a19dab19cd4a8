import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {spawnCapture} from './spawn-capture.js'

const BIN = resolve(import.meta.dirname, '../../bin/run.js')

export interface CliResult {
  stdout: string
  stderr: string
  exitCode: number
}

export interface CliSandbox {
  /** Isolated HOME, XDG config and state dirs; nothing of the developer's own machine leaks in. */
  env: Record<string, string>
  configPath: string
  stateDir: string
  run(args: string[], options?: {env?: Record<string, string | undefined>; input?: string | Buffer}): Promise<CliResult>
  cleanup(): void
}

/** Runs the built CLI as a user would: a child process, its stdout, stderr and exit code. */
export function createCliSandbox(apiRoot?: string): CliSandbox {
  const home = mkdtempSync(join(tmpdir(), 'fastpay-tg-test-'))
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_STATE_HOME: join(home, 'state'),
    // Retries still happen, without the real backoff between them (see backoffFromEnv); 429's retry_after stays.
    FASTPAY_TG_RETRY_BASE_MS: '0',
    // Telegram's limits keep their counts in a hundredth of the time (see limitsFromEnv); the tests of the limits
    // themselves run them in Telegram's time.
    FASTPAY_TG_RATE_TIME_SCALE: '0.01',
    // Keep the keychain tests' session bus visible when .ci/run provides one.
    ...(process.env.DBUS_SESSION_BUS_ADDRESS ? {DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS} : {}),
    ...(apiRoot ? {TELEGRAM_API_BASE_URL: apiRoot} : {}),
  }
  return {
    env,
    configPath: join(home, 'config', 'fastpay-tg', 'config.yml'),
    stateDir: join(home, 'state', 'fastpay-tg'),
    async run(args, options = {}) {
      const merged: Record<string, string> = {...env}
      for (const [key, value] of Object.entries(options.env ?? {})) {
        if (value === undefined) delete merged[key]
        else merged[key] = value
      }
      return spawnCapture(process.execPath, [BIN, ...args], {env: merged, input: options.input ?? '', timeoutMs: 60_000})
    },
    cleanup() {
      rmSync(home, {recursive: true, force: true})
    },
  }
}
