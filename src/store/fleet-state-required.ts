import {UnreachableError} from '../unreachable-error.js'
import {UserError} from '../user-error.js'
import {refusedStoreLine, type StoreDescription} from './types.js'

/**
 * Why a door that shows the fleet's state (`digest`, `monitor status`) must stop, or undefined when it may go on: the
 * Redis store in use refused its credentials (exit 2: running again will not help) or does not answer (exit 3). This
 * host's fallback files would tell a partial, often empty, story as the fleet's. `holds` names what the store keeps
 * (`the monitor history`), `output` what the door makes (`digest`); `described` is undefined on the file store.
 */
export function fleetStateUnusable(described: StoreDescription | undefined, holds: string, output: string): Error | undefined {
  if (described === undefined) return undefined
  const refused = refusedStoreLine(described)
  if (refused) return new UserError(refused)
  if (described.reachable) return undefined
  const why = described.problem === undefined ? '' : ` (${described.problem})`
  return new UnreachableError(`${holds} is in the store ${described.target}, which does not answer${why}: no ${output} of this host's files alone; run again once it answers`)
}
