import type {KeyValueStore} from '../../store/types.js'
import type {CheckReport} from '../apply-results.js'
import {utcTime} from '../../support/duration.js'

/** One host's last pass as it saw it, for `monitor status`: `monitor/hosts/<host>`. */
export interface HostView {
  host: string
  /** When its last pass started, epoch ms. */
  at: number
  checks: Record<string, {ok: boolean; message: string; belowQuorum?: boolean}>
}

/** A host silent for this long drops out of `monitor status` by itself. @default 7 days */
export const HOST_VIEW_TTL_MS = 7 * 86_400_000

export async function recordHostView(
  kv: KeyValueStore,
  view: {host: string; at: number; checks: readonly CheckReport[]},
  namespace = 'monitor',
): Promise<void> {
  const checks: HostView['checks'] = {}
  for (const check of view.checks) checks[check.name] = {ok: check.ok, message: check.message, ...(check.belowQuorum ? {belowQuorum: true} : {})}
  await kv.set<HostView>(`${namespace}/hosts/${view.host}`, {host: view.host, at: view.at, checks}, {ttlMs: HOST_VIEW_TTL_MS})
}

/** Every host's last view, by host name. */
export async function readHostViews(kv: KeyValueStore, namespace = 'monitor'): Promise<HostView[]> {
  return (await kv.list<HostView>(`${namespace}/hosts/`)).map(({value}) => value)
}

/**
 *     hosts (shared store):
 *       web-1  last pass 14:05:00 UTC: api ok, db FAIL (connection refused)
 *       web-2  last pass 14:05:01 UTC: api ok, db ok
 */
export function hostViewLines(views: readonly HostView[], now: number): string[] {
  if (views.length === 0) return []
  const width = Math.max(...views.map((view) => view.host.length))
  const lines = views.map((view) => {
    const checks = Object.entries(view.checks).map(([name, seen]) => (seen.ok ? `${name} ok` : `${name} FAIL (${seen.message})`))
    return `  ${view.host.padEnd(width)}  last pass ${utcTime(view.at, now)}: ${checks.join(', ') || 'no checks'}`
  })
  return ['', 'hosts (shared store):', ...lines]
}
