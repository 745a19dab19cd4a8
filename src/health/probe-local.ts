import {constants} from 'node:fs'
import {access, stat} from 'node:fs/promises'
import {dirname} from 'node:path'

import {outboxDirIn, STATE_DIR_ENV, throttleDirIn} from '../support/state-dir.js'
import {displayPath, type Env} from '../config/index.js'
import {describeFailure} from '../describe-failure.js'
import {formatDowntime, utcTime} from '../support/duration.js'
import {monitorDirIn} from '../store/file/file-monitor-store.js'
import type {MonitorStore} from '../store/monitor-state.js'
import type {Store} from '../store/select-store.js'
import type {OutboxStore} from '../store/types.js'
import {pendingText} from '../store/monitor-state.js'
import {type HealthItem, item} from './health-item.js'

/**
 * The machine's side: state, throttle, outbox and monitor directories writable (a missing one only needs a writable
 * parent: it is created on first use; nothing is created here), the outbox backlog, and the monitor's last pass.
 */
export async function probeLocal(stateDir: string, env: Env, now: number, store?: Pick<Store, 'outbox' | 'monitor'>): Promise<HealthItem[]> {
  const dirs: Array<[string, string]> = [
    ['state dir', stateDir],
    ['throttle dir', throttleDirIn(stateDir)],
    ['outbox dir', outboxDirIn(stateDir)],
    ['monitor dir', monitorDirIn(stateDir)],
  ]
  const items = await Promise.all(dirs.map(([name, dir]) => probeDir(name, dir, env)))
  // Without a store (it could not be opened: the store line says why) there is no backlog or pass to show.
  if (store === undefined) return items
  return [...items, await probeOutbox(store.outbox, now), ...(await probeMonitor(store.monitor, now))]
}

async function probeDir(name: string, dir: string, env: Env): Promise<HealthItem> {
  const shown = displayPath(dir, env)
  let existing = dir
  for (;;) {
    try {
      const stats = await stat(existing)
      if (!stats.isDirectory()) return item(name, 'fail', `${displayPath(existing, env)} is not a directory: choose another state dir with --state-dir or ${STATE_DIR_ENV}`)
      break
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'ENOENT' || dirname(existing) === existing) return item(name, 'fail', `${shown}: ${code ?? 'unknown error'}`)
      existing = dirname(existing)
    }
  }
  try {
    await access(existing, constants.W_OK | constants.X_OK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error'
    return item(name, 'fail', `${displayPath(existing, env)} is not writable (${code}): choose another state dir with --state-dir or ${STATE_DIR_ENV}`)
  }
  return item(name, 'ok', existing === dir ? `${shown} writable` : `${shown} will be created (${displayPath(existing, env)} is writable)`)
}

async function probeOutbox(outbox: OutboxStore, now: number): Promise<HealthItem> {
  try {
    const {items, warnings} = await outbox.list()
    const unreadable = warnings.length > 0 ? `; ${warnings.length} unreadable` : ''
    if (items.length === 0) return item('outbox', warnings.length > 0 ? 'warn' : 'ok', `empty${unreadable}`)
    const oldest = Date.parse(items[0]!.entry.createdAt)
    const perBot = new Map<string, number>()
    for (const {entry} of items) perBot.set(entry.bot, (perBot.get(entry.bot) ?? 0) + 1)
    const bots = [...perBot].map(([bot, count]) => `${bot}: ${count}`).join(', ')
    const age = formatDowntime(Math.max(0, now - oldest))
    return item('outbox', 'warn', `${items.length} waiting (${bots}), oldest ${age} old${unreadable}: the next alert delivers them`)
  } catch (error) {
    return item('outbox', 'fail', describeFailure(error).message)
  }
}

/** A last pass older than this says the monitor stopped: cron runs `monitor run` every minute, a watch every interval. */
const STALE_PASS_MS = 3_600_000

async function probeMonitor(monitor: MonitorStore, now: number): Promise<HealthItem[]> {
  let read
  try {
    read = await monitor.readState()
  } catch (error) {
    return [item('monitor', 'fail', describeFailure(error).message)]
  }
  const {state, warnings} = read
  const unreadable = warnings.map((warning) => item('monitor', 'warn', warning))
  // An alert the chat never got is what health is for: say so even before the next pass retries it.
  for (const [name, check] of Object.entries(state.checks)) {
    if (check.pendingAlert) unreadable.push(item('monitor', 'warn', `${name}: alert pending since ${utcTime(check.pendingAlert.firstAt, now)}: ${pendingText(check.pendingAlert)}`))
  }
  const pass = state.lastPass
  if (pass === undefined) return unreadable
  const when = `last pass ${utcTime(pass.at, now)} (${formatDowntime(Math.max(0, now - pass.at))} ago)`
  // A monitor that stopped (a broken crontab, a monitors file that now exits 2) leaves "none down" true forever.
  const stale = now - pass.at > STALE_PASS_MS ? ': no pass for over 1h: is fastpay-tg monitor run scheduled (or monitor watch running)?' : ''
  const found = pass.down.length === 0 ? 'none down' : `${pass.down.length} down (${pass.down.join(', ')})`
  const status = stale === '' && pass.down.length === 0 ? 'ok' : 'warn'
  return [...unreadable, item('monitor', status, `${when}${stale || ':'} ${pass.checks} checks, ${found}`)]
}
