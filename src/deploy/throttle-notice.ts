import {resolveStateDir} from '../support/state-dir.js'
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
 * deploying one commit to one environment posts one `success`. In CI the run is part of it too (its URL, which on
 * GitHub names the attempt): a re-run or a second deploy of the same commit is another deploy, and gets its notices.
 * A plain script has no CI run, so hosts of a fleet deploying one commit still share a key. The alerts' throttle
 * store (safe across processes) keeps the windows, in fastpay-tg's state dir.
 */
export function deployThrottleKey(facts: NoticeFacts): string {
  const {context} = facts
  const key = ['deploy', context.repository ?? '', facts.environment ?? '', facts.status, context.sha ?? '']
  return (context.runUrl ? [...key, context.runUrl] : key).join(':')
}

export async function throttleNotice(options: {facts: NoticeFacts; windowSeconds: number; env: Env; now: number; configPath?: string}): Promise<NoticeThrottle> {
  // The store alerts use: files in the state dir, or Redis when one is configured, so a fleet posts one notice.
  const {openStore} = await import('../store/select-store.js')
  const withStore = async <T>(use: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>, warnings: string[]): Promise<T> => {
    const store = await openStore({stateDir: resolveStateDir(undefined, options.env), env: options.env, configPath: options.configPath, onWarning: (line) => warnings.push(line)})
    try {
      return await use(store)
    } finally {
      await store.close()
    }
  }
  const warnings: string[] = []
  const decision = await withStore((store) => store.throttle.decide(deployThrottleKey(options.facts), options.windowSeconds, options.now), warnings)
  warnings.push(...decision.warnings)
  if (!decision.send) {
    return {suppressed: {count: decision.suppressedCount, nextAt: decision.nextAt}, warnings, release: async () => []}
  }
  const {ticket} = decision
  const release = async () => {
    if (!ticket) return []
    const released: string[] = []
    released.push(...(await withStore((store) => store.throttle.release(ticket, options.now), released)))
    return released
  }
  return {warnings, release}
}
