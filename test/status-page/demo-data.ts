// Thirty days of a small fleet's monitor history, made up but deterministic (no randomness): what the status page
// test renders, and what scripts/status-page-screenshot.ts draws for the README.
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {FileMonitorStore, monitorDirIn} from '../../src/store/file/file-monitor-store.js'
import type {CheckState, HistoryRecord, MonitorState} from '../../src/store/monitor-state.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const EVERY = 10 * MINUTE

interface DemoCheck {
  name: string
  target: string
  /** Typical latency (ms) and how much it swings over a day. */
  ms: number
  swing: number
  /** How long ago it started running (a newer check has fewer days). @default 30 days */
  since?: number
  /** Outages: [start ago, duration], times before `now`; one with no end is still going on. */
  outages: Array<[number, number | undefined]>
  message: string
}

export const DEMO_CHECKS: DemoCheck[] = [
  {name: 'api', target: 'http GET https://api.example.com/health', ms: 120, swing: 60, outages: [[3 * DAY + 5 * HOUR, 25 * MINUTE]], message: 'status 502 Bad Gateway, expected 2xx'},
  {name: 'checkout', target: 'http POST https://pay.example.com/v1/ping', ms: 240, swing: 90, outages: [], message: ''},
  {name: 'db', target: 'tcp db.internal:5432', ms: 4, swing: 2, outages: [[12 * DAY + 2 * HOUR, 40 * MINUTE], [19 * DAY, 10 * MINUTE]], message: 'connection refused'},
  {name: 'queue-depth', target: 'command /etc/fastpay-tg/scripts/queue-depth.sh', ms: 35, swing: 10, outages: [[50 * MINUTE, undefined]], message: 'exit code 2, expected 0: 1843 jobs waiting (limit 1000)'},
  {name: 'telegram-bot', target: 'telegram getMe alerts', ms: 180, swing: 40, outages: [], message: ''},
  {name: 'nightly-backup', target: 'exec nightly-backup', ms: 5400, swing: 600, since: 6 * DAY, outages: [[2 * DAY + 9 * HOUR, 4 * HOUR]], message: 'pg_dump: connection refused'},
]

/** The same wave for every run: a daily swing, a little jitter from the slot number (no randomness). */
const latency = (check: DemoCheck, at: number) => Math.round(check.ms + check.swing * Math.sin((at % DAY) / DAY * 2 * Math.PI) + ((at / EVERY) % 7) * (check.ms / 50))

export function demoHistory(now: number): {records: HistoryRecord[]; state: MonitorState} {
  const records: HistoryRecord[] = []
  const state: MonitorState = {version: 1, checks: {}}
  const first = Math.floor((now - 30 * DAY) / EVERY) * EVERY + EVERY
  for (const check of DEMO_CHECKS) {
    const start = now - (check.since ?? 30 * DAY)
    const outages = check.outages.map(([ago, length]) => ({from: now - ago, to: length === undefined ? Number.POSITIVE_INFINITY : now - ago + length}))
    let last: {ok: boolean; at: number; ms: number} | undefined
    let streakSince = start
    let downSince: number | undefined
    for (let at = first; at < now; at += EVERY) {
      if (at < start) continue
      const ok = !outages.some((outage) => at >= outage.from && at < outage.to)
      const ms = ok ? latency(check, at) : check.ms * 10
      records.push({type: 'result', at, check: check.name, ok, ms, ...(ok ? {} : {error: check.message}), host: 'web-1'})
      if (last !== undefined && last.ok !== ok) {
        streakSince = at
        if (!ok) {
          downSince = at
          records.push({type: 'change', at, check: check.name, to: 'down', since: at})
          records.push({type: 'alert', at, checks: [check.name], event: 'down', status: 'sent', channel: 'health'})
        } else {
          records.push({type: 'change', at, check: check.name, to: 'up', since: at, ...(downSince === undefined ? {} : {downSince})})
          records.push({type: 'alert', at, checks: [check.name], event: 'recovered', status: 'sent', channel: 'health'})
          downSince = undefined
        }
      }
      last = {ok, at, ms}
    }
    if (last === undefined) continue
    const checkState: CheckState = {
      status: last.ok ? 'up' : 'down',
      since: streakSince,
      failures: last.ok ? 0 : Math.max(1, Math.round((now - streakSince) / EVERY)),
      successes: last.ok ? Math.round((now - streakSince) / EVERY) : 0,
      streakSince,
      last: {ok: last.ok, at: last.at, durationMs: last.ms, message: last.ok ? 'ok' : check.message},
      target: check.target,
      channel: 'health',
    }
    state.checks[check.name] = checkState
  }
  state.lastPass = {at: now - 2 * MINUTE, durationMs: 1830, checks: DEMO_CHECKS.length, down: Object.keys(state.checks).filter((name) => state.checks[name]!.status === 'down'), host: 'web-1'}
  records.sort((a, b) => a.at - b.at)
  return {records, state}
}

/** Writes the demo state and history into `stateDir`'s file store, and a monitors file listing the checks; returns its path. */
export async function writeDemoState(stateDir: string, now: number): Promise<string> {
  const {records, state} = demoHistory(now)
  const store = new FileMonitorStore({dir: monitorDirIn(stateDir)})
  await store.appendHistory(records)
  await store.writeState(state)
  mkdirSync(stateDir, {recursive: true})
  const file = join(stateDir, 'monitors.yml')
  const lines = DEMO_CHECKS.map((check) => `  - {name: ${check.name}, type: command, run: ["true"]}`)
  writeFileSync(file, `checks:\n${lines.join('\n')}\n`)
  return file
}
