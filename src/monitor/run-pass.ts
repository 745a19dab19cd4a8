import {hostname} from 'node:os'
import {performance} from 'node:perf_hooks'

import type {AlertSender} from './alert-sender.js'
import {type ApplyReport, applyResults, type RanCheck} from './apply-results.js'
import {type CheckSpec, DEFAULT_CONCURRENCY, describeTarget} from './check-spec.js'
import {runCheck} from './checks/run-check.js'
import type {TelegramProbe} from './checks/telegram-check.js'
import {type FlushAfterAlerts, flushAfterAlerts, type OutboxFlush} from './flush-outbox.js'
import {mapConcurrent} from './map-concurrent.js'
import type {MonitorStore} from '../store/monitor-state.js'

export interface PassOptions {
  checks: readonly CheckSpec[]
  store: MonitorStore
  sender: AlertSender
  /** Checks in flight at once. @default 50 */
  concurrency?: number
  /** @default Date.now */
  now?: () => number
  /** @default os.hostname() */
  host?: string
  /** Cancels checks in flight (they fail as `cancelled`). */
  signal?: AbortSignal
  /** Told after each check finishes. */
  onProgress?: (done: number, total: number) => void
  /** Runs `telegram` checks. @default they fail saying they are not available */
  telegram?: TelegramProbe
  /** History older than this is deleted after the pass. @default nothing is deleted */
  historyRetentionMs?: number
  /** Readies the results before they are applied (a fleet: the quorum, see fleet/quorum.ts). @default as they are */
  beforeApply?: (ran: RanCheck[]) => Promise<RanCheck[]>
  /**
   * Delivers what waits in the outbox once the results are applied, except for the bots whose outbox this pass's
   * alerts flushed already (see flush-outbox.ts). @default nothing is flushed
   */
  flushOutbox?: FlushAfterAlerts
}

export interface PassReport extends ApplyReport {
  startedAt: number
  /** Time spent running the checks. */
  checksMs: number
  /** The whole pass: checks, state, alerts, history. */
  durationMs: number
  /** History files deleted as older than the retention. */
  pruned: string[]
  /** What the pass delivered from the outbox, and what still waits there; set when the pass flushes it. */
  outbox?: Omit<OutboxFlush, 'warnings'>
}

export type ChecksOptions = Pick<PassOptions, 'checks' | 'concurrency' | 'now' | 'signal' | 'onProgress' | 'telegram'>

/** Every check concurrently (bounded), nothing applied: a pass's first half, and all of `monitor run --dry-run`. */
export async function runChecks(options: ChecksOptions): Promise<{checked: RanCheck[]; checksMs: number}> {
  const started = performance.now()
  const total = options.checks.length
  const context = {now: options.now ?? Date.now, signal: options.signal, telegram: options.telegram}
  const results = await mapConcurrent(
    options.checks,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    (check) => runCheck(check, context),
    options.onProgress && ((done) => options.onProgress!(done, total)),
  )
  const checksMs = Math.round(performance.now() - started)
  return {checked: options.checks.map((check, index) => ({check, target: describeTarget(check), result: results[index]!})), checksMs}
}

/** One monitor pass: every check concurrently (bounded), then the results applied under the state lock. */
export async function runPass(options: PassOptions): Promise<PassReport> {
  const now = options.now ?? Date.now
  const host = options.host ?? hostname()
  const startedAt = now()
  const started = performance.now()
  const {checked, checksMs} = await runChecks({...options, now})
  const ran = options.beforeApply ? await options.beforeApply(checked) : checked
  const applied = await applyResults(ran, {store: options.store, sender: options.sender, now, host, pass: {startedAt, durationMs: checksMs}})
  const pruned = options.historyRetentionMs === undefined ? [] : await options.store.pruneHistory(now() - options.historyRetentionMs)
  const outbox = options.flushOutbox ? await flushAfterAlerts(options.flushOutbox, applied) : undefined
  return {...applied, startedAt, checksMs, durationMs: Math.round(performance.now() - started), pruned, ...(outbox ? {outbox} : {})}
}
