import {displayPath, type Env} from '../config/index.js'
import {describeFailure} from '../describe-failure.js'
import type {Store} from '../store/select-store.js'
import type {HealthItem} from './health-item.js'
import {probeLocal} from './probe-local.js'

/**
 * The state as every door sees it, from the store `openStore` opens (files, or Redis for a fleet): the state
 * directories, the outbox backlog and the monitor's last pass, then the store itself and whether it answers now.
 */
export async function probeState(stateDir: string, configPath: string | undefined, env: Env, now: number): Promise<{local: HealthItem[]; store: HealthItem}> {
  let store: Store
  try {
    const {openStore} = await import('../store/select-store.js')
    // The description below says it when Redis is down; the warning line would only repeat it.
    store = await openStore({stateDir, configPath, env, onWarning: () => {}})
  } catch (error) {
    return {local: await probeLocal(stateDir, env, now), store: {check: 'store', status: 'fail', detail: describeFailure(error).message}}
  }
  try {
    return {local: await probeLocal(stateDir, env, now, store), store: await describeStore(store, stateDir, env)}
  } finally {
    await store.close()
  }
}

async function describeStore(store: Store, stateDir: string, env: Env): Promise<HealthItem> {
  try {
    const described = await store.describe()
    const from = `(${described.source})`
    if (described.kind === 'file') return {check: 'store', status: 'ok', detail: `files in ${displayPath(described.target, env)} ${from}`}
    if (described.reachable) {
      const waiting = described.localWaiting ? `; ${described.localWaiting} alert(s) spooled here to hand over` : ''
      return {check: 'store', status: 'ok', detail: `redis ${described.target} ${from}, ping ${described.latencyMs} ms${waiting}`}
    }
    // A wrong password is no outage that passes: the check fails, saying what to fix.
    if (described.refusal) return {check: 'store', status: 'fail', detail: `redis ${described.target} ${from} ${described.refusal}`}
    const detail = `redis ${described.target} ${from} unreachable (${described.problem}); working on the files in ${displayPath(stateDir, env)}`
    return {check: 'store', status: 'warn', detail}
  } catch (error) {
    return {check: 'store', status: 'fail', detail: describeFailure(error).message}
  }
}
