import {resolveStateDir, throttleDirIn} from '../alert/state-dir.js'
import type {Env} from '../config/index.js'
import type {NoticeFacts} from './notice-values.js'

export interface NoticeThrottle {
  /** Set when a notice with the same key went out within the window. */
  suppressed?: {count: number; nextAt: Date}
  warnings: string[]
  /** Gives the window back (the notice reached no chat), so that the next one tries again. */
  release(): Promise<string[]>
}

/**
 * The throttle key of a deploy notice: one per repository, environment, status and commit, so that a matrix of jobs
 * deploying one commit to one environment posts one `success`. The alerts' throttle store (safe across processes)
 * keeps the windows, in fastpay-tg's state dir.
 */
export function deployThrottleKey(facts: NoticeFacts): string {
  const {context} = facts
  return ['deploy', context.repository ?? '', facts.environment ?? '', facts.status, context.sha ?? ''].join(':')
}

export async function throttleNotice(options: {facts: NoticeFacts; windowSeconds: number; env: Env; now: number}): Promise<NoticeThrottle> {
  const {FileThrottle} = await import('../throttle/index.js')
  const store = new FileThrottle({dir: throttleDirIn(resolveStateDir(undefined, options.env))})
  const decision = await store.decide(deployThrottleKey(options.facts), options.windowSeconds, options.now)
  if (!decision.send) {
    return {suppressed: {count: decision.suppressedCount, nextAt: decision.nextAt}, warnings: decision.warnings, release: async () => []}
  }
  const {ticket} = decision
  return {warnings: decision.warnings, release: async () => (ticket ? store.release(ticket, options.now) : [])}
}
