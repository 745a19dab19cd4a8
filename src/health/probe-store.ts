import {displayPath, type Env} from '../config/index.js'
import {describeFailure} from '../describe-failure.js'
import type {HealthItem} from './health-item.js'

/** The shared store in use (files, or Redis for a fleet) and whether it answers now. */
export async function probeStore(stateDir: string, configPath: string | undefined, env: Env): Promise<HealthItem> {
  try {
    const {openStore} = await import('../store/select-store.js')
    // The description below says it when Redis is down; the warning line would only repeat it.
    const store = await openStore({stateDir, configPath, env, onWarning: () => {}})
    try {
      const described = await store.describe()
      const from = `(${described.source})`
      if (described.kind === 'file') return {check: 'store', status: 'ok', detail: `files in ${displayPath(described.target, env)} ${from}`}
      if (described.reachable) {
        const waiting = described.localWaiting ? `; ${described.localWaiting} alert(s) spooled here to hand over` : ''
        return {check: 'store', status: 'ok', detail: `redis ${described.target} ${from}, ping ${described.latencyMs} ms${waiting}`}
      }
      const detail = `redis ${described.target} ${from} unreachable (${described.problem}); working on the files in ${displayPath(stateDir, env)}`
      return {check: 'store', status: 'warn', detail}
    } finally {
      await store.close()
    }
  } catch (error) {
    return {check: 'store', status: 'fail', detail: describeFailure(error).message}
  }
}
