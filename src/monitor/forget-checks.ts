// `monitor forget NAME...`: a check taken out of the monitors file (or a `monitor exec` job retired) keeps its state
// until told otherwise. Passes never prune it themselves: exec jobs are never in the file, `--check` runs select a
// subset, and a fleet's hosts may run different files on one shared state.
import {utcTime} from '../support/duration.js'
import {UserError} from '../user-error.js'
import {type CheckStatus, type MonitorStore, pendingText} from '../store/monitor-state.js'

/** A check whose state was removed, as it was. */
export interface ForgottenCheck {
  name: string
  status: CheckStatus
  /** Epoch ms since when it had this status. */
  since: number
  target: string
  /** The alert it still owed the chat, now dropped. */
  alertPending?: string
}

export interface ForgetOptions {
  /** Told before waiting for the state lock (`--debug`). */
  debug?: (line: string) => void
  /** @default Date.now */
  now?: () => number
}

/**
 * Under the state lock, as a pass applies its results (so that neither undoes the other's write): removes each
 * named check's state, pending alert included, and takes it out of the last pass's down list. All or nothing: a
 * name the state does not know is a UserError and nothing changes. The history stays, so digests and the status
 * page still tell the incidents it had; a `forget` record ends one still open.
 */
export async function forgetChecks(store: MonitorStore, names: readonly string[], options: ForgetOptions = {}): Promise<{forgotten: ForgottenCheck[]; warnings: string[]}> {
  const unique = [...new Set(names)]
  options.debug?.('taking the state lock (a running pass holds it until it has written the state)')
  return store.withStateLock(async () => {
    const {state, warnings} = await store.readState()
    const unknown = unique.filter((name) => !Object.hasOwn(state.checks, name))
    if (unknown.length > 0) {
      const listed = unknown.map((name) => JSON.stringify(name)).join(', ')
      throw new UserError(`NAME: no check ${listed} in the monitor state; nothing was forgotten (monitor status lists the checks)`)
    }
    const forgotten = unique.map((name): ForgottenCheck => {
      const check = state.checks[name]!
      delete state.checks[name]
      return {name, status: check.status, since: check.since, target: check.target, ...(check.pendingAlert ? {alertPending: pendingText(check.pendingAlert)} : {})}
    })
    // The last pass's down list names the checks down after it: a forgotten one is no longer counted there.
    if (state.lastPass) state.lastPass = {...state.lastPass, down: state.lastPass.down.filter((name) => !unique.includes(name))}
    await store.writeState(state)
    // Ends in the digest an incident the history leaves open: no change to up will come for a forgotten check.
    const at = (options.now ?? Date.now)()
    await store.appendHistory(forgotten.map((check) => ({type: 'forget' as const, at, check: check.name})))
    return {forgotten, warnings}
  })
}

/** `forgot w500 (was down since 15:27:37 UTC; alert pending dropped: …)`, one per check. */
export function forgetLines(forgotten: readonly ForgottenCheck[], now: number): string[] {
  return forgotten.map((check) => {
    const pending = check.alertPending === undefined ? '' : `; alert pending dropped: ${check.alertPending}`
    return `forgot ${check.name} (was ${check.status} since ${utcTime(check.since, now)}${pending})`
  })
}
