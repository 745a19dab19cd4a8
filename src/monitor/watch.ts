import type {CheckSpec, MonitorConfig} from './check-spec.js'
import type {PassReport} from './run-pass.js'
import {errorMessage} from '../support/error-message.js'

export interface WatchOptions {
  /** Reads the monitors file; called before every pass, so edits apply without a restart. */
  load: () => Promise<MonitorConfig>
  /** One pass over the checks that are due. */
  pass: (checks: CheckSpec[], config: MonitorConfig) => Promise<PassReport>
  /** Ends the watch: the pass in flight finishes, then no other starts. */
  signal: AbortSignal
  /** @default Date.now */
  now?: () => number
  /** Waits `ms` or until `signal` aborts, whichever comes first. @default setTimeout-based */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  onPass?: (report: PassReport) => void
  /** A file that no longer loads: the watch goes on with the last good one. Told once per distinct problem. */
  onReloadError?: (message: string) => void
}

/**
 * `monitor watch`: runs each check every `interval`, batching the checks that are due at the same time into one
 * pass, until `signal` aborts. Returns how many passes ran.
 */
export async function watchMonitors(options: WatchOptions): Promise<{passes: number}> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? abortableSleep
  const lastRun = new Map<string, number>()
  let config: MonitorConfig | undefined
  let lastProblem: string | undefined
  let passes = 0
  while (!options.signal.aborted) {
    try {
      config = await options.load()
      lastProblem = undefined
    } catch (error) {
      if (config === undefined) throw error
      const message = errorMessage(error)
      if (message !== lastProblem) options.onReloadError?.(message)
      lastProblem = message
    }
    const at = now()
    const due = config.checks.filter((check) => {
      const last = lastRun.get(check.name)
      return last === undefined || at - last >= check.intervalMs
    })
    if (due.length > 0) {
      for (const check of due) lastRun.set(check.name, at)
      const report = await options.pass(due, config)
      options.onPass?.(report)
      passes++
      continue
    }
    const next = Math.min(...config.checks.map((check) => (lastRun.get(check.name) ?? at) + check.intervalMs))
    // An empty file still waits a while between reloads.
    await sleep(Number.isFinite(next) ? Math.max(0, next - now()) : 60_000, options.signal)
  }
  return {passes}
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, {once: true})
  })
}
