import type {KeyValueStore} from '../../store/types.js'
import type {RanCheck} from '../apply-results.js'

/** What one host saw of one check in one interval: `monitor/seen/<check>/<interval start>/<host>`. */
export interface Observation {
  ok: boolean
  /** When the check started, epoch ms. */
  at: number
  message: string
}

export interface QuorumOptions {
  kv: KeyValueStore
  /** This host, as the other hosts see it in the observations. */
  host: string
  /** @default 'monitor' (as SharedMonitorStore) */
  namespace?: string
}

/** The interval a result belongs to: hosts whose passes start in the same interval observe it together. */
export const intervalStartOf = (at: number, intervalMs: number) => Math.floor(at / intervalMs) * intervalMs

/**
 * Readies a fleet host's results for the shared state: records each observation for the other hosts, and orders
 * each result by its check's interval rather than by its own start, so that the state machine takes one result per
 * check per interval, whichever host applies it first. A failure counts only once `quorum` hosts (the check's
 * `quorum`, default 1) saw the check failing in that interval; below that it is marked `belowQuorum` and only
 * recorded. A failure that reaches the quorum outranks a pass of the same interval (ordered 1 ms later).
 */
export async function applyQuorum(ran: readonly RanCheck[], options: QuorumOptions): Promise<RanCheck[]> {
  const namespace = options.namespace ?? 'monitor'
  return Promise.all(
    ran.map(async (entry): Promise<RanCheck> => {
      const {check, result} = entry
      const quorum = check.quorum ?? 1
      const interval = intervalStartOf(result.startedAt, check.intervalMs)
      const prefix = `${namespace}/seen/${check.name}/${interval}/`
      if (quorum > 1) {
        const observation: Observation = {ok: result.ok, at: result.startedAt, message: result.message}
        // Kept past the interval so that a host whose pass ran late still finds the others'.
        await options.kv.set(prefix + options.host, observation, {ttlMs: check.intervalMs * 2 + 60_000})
      }
      if (result.ok) return {...entry, applyAt: interval}
      if (quorum <= 1) return {...entry, applyAt: interval + 1}
      // Written before counting: of two hosts failing at once, the later count sees both.
      const seen = await options.kv.list<Observation>(prefix)
      const failing = seen.filter((observation) => !observation.value.ok).length
      if (failing >= quorum) return {...entry, applyAt: interval + 1}
      return {...entry, belowQuorum: {failing, quorum}}
    }),
  )
}
