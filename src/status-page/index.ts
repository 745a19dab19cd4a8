// `monitor status --html FILE` and `monitor watch --html FILE`: the status page written atomically, so that a web
// server publishing FILE never serves half of one.
import {describeFailure} from '../describe-failure.js'
import type {CheckSpec} from '../monitor/check-spec.js'
import {type HostView, readHostViews} from '../monitor/fleet/index.js'
import {statusRows} from '../monitor/status.js'
import type {MonitorStore} from '../store/monitor-state.js'
import type {KeyValueStore} from '../store/types.js'
import {writeFileAtomic} from '../support/atomic-write.js'
import {HistoryDays} from './history-days.js'
import {renderStatusPage} from './render-status-page.js'
import {statusPageData} from './status-data.js'

export {HistoryDays} from './history-days.js'
export {renderStatusPage} from './render-status-page.js'
export {type StatusPageData, statusPageData} from './status-data.js'

export interface WriteStatusPageOptions {
  store: Pick<MonitorStore, 'readState' | 'readHistory'>
  /** A fleet's store: each host's last pass is shown. */
  fleet?: {kv: KeyValueStore}
  /** The monitors file's checks, in its order (those never run show as not run yet). @default the state's checks */
  checks?: readonly Pick<CheckSpec, 'name'>[]
  /** Kept between redraws (a watch): finished days are read once. @default a new one */
  days?: HistoryDays
  /** @default Date.now() */
  now?: number
}

/** Reads the state and history, writes the page to `path` (mode 0644: a web server's user reads it). Returns warnings. */
export async function writeStatusPage(path: string, options: WriteStatusPageOptions): Promise<string[]> {
  const now = options.now ?? Date.now()
  const {state, warnings} = await options.store.readState()
  const window = await (options.days ?? new HistoryDays()).read(options.store, now)
  const hosts: HostView[] = options.fleet ? await readHostViews(options.fleet.kv) : []
  const data = statusPageData(statusRows(state, options.checks), state, window, hosts, now)
  await writeFileAtomic(path, renderStatusPage(data), 0o644)
  return [...warnings, ...window.warnings]
}

/**
 * For the doors: writes the page to `path` each time it is called, keeping finished days between calls. A watch
 * goes on when the file cannot be written (`softFail`: the failure is a warning, and the next pass tries again).
 */
export function statusPageWriter(path: string, source: Pick<WriteStatusPageOptions, 'store' | 'fleet'>, options: {softFail?: boolean} = {}) {
  const days = new HistoryDays()
  return async (checks?: readonly Pick<CheckSpec, 'name'>[]): Promise<string[]> => {
    try {
      return await writeStatusPage(path, {...source, days, ...(checks ? {checks} : {})})
    } catch (error) {
      if (!options.softFail) throw error
      return [`--html ${path}: not written: ${describeFailure(error).message}`]
    }
  }
}
