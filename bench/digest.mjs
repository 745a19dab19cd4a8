// `node bench/digest.mjs` (after `npm run build`): `digest` streams the monitor history (issue 15, item 5). A is
// `fastpay-tg digest --dry-run` over a history of BENCH_RECORDS records (default 500,000: 50 checks, a day and a
// half of results with a few status changes and alerts, in UTC day files as `monitor run` writes them); B is
// bench/bare-jsonl-digest.mjs reading the same files. Interleaved with bench/ab.mjs; target: wall <= 1.2x. Then
// A's peak RSS over 100,000 and 1,000,000 records: flat, <= 100 MiB for both.
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {compare} from './ab.mjs'

const RECORDS = Number(process.env.BENCH_RECORDS ?? 500_000)
const runs = Number(process.env.BENCH_RUNS ?? 3)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const CHECKS = 50
const NOW = Date.now()
const SPAN_MS = 36 * 3_600_000

const home = mkdtempSync(join(tmpdir(), 'fastpay-tg-digest-bench-'))
const env = {PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'xdg-state')}

// Where `monitor run` keeps the history in a state dir (src/store/file/file-monitor-store.ts).
const historyDir = (stateDir) => join(stateDir, 'monitor', 'history')

/** A state dir holding `count` history records, oldest first, one file per UTC day. */
function history(count) {
  const stateDir = join(home, `state-${count}`)
  mkdirSync(historyDir(stateDir), {recursive: true})
  const days = new Map()
  for (let index = 0; index < count; index++) {
    const at = NOW - SPAN_MS + Math.floor((index * SPAN_MS) / count)
    const check = `check-${index % CHECKS}`
    const ok = index % 97 !== 0
    let line = JSON.stringify({type: 'result', at, check, ok, ms: 5 + (index % 400), ...(ok ? {} : {error: 'connection refused'}), host: 'mon-1'})
    if (index % 20_000 === 0) line += `\n${JSON.stringify({type: 'change', at, check, to: 'down', since: at})}\n${JSON.stringify({type: 'alert', at, checks: [check], event: 'down', status: 'sent', channel: 'health'})}`
    if (index % 20_000 === 100) line += `\n${JSON.stringify({type: 'change', at, check: `check-${(index - 100) % CHECKS}`, to: 'up', since: at, downSince: at - 1000})}`
    const day = new Date(at).toISOString().slice(0, 10)
    if (!days.has(day)) days.set(day, [])
    days.get(day).push(line)
  }
  for (const [day, lines] of days) writeFileSync(join(historyDir(stateDir), `${day}.jsonl`), `${lines.join('\n')}\n`)
  return stateDir
}

const digest = (stateDir) => ({command: process.execPath, args: ['bin/run.js', 'digest', '--dry-run', '--since', '2d', '--state-dir', stateDir]})
const bare = (stateDir) => ({command: process.execPath, args: ['bench/bare-jsonl-digest.mjs', historyDir(stateDir)]})

try {
  console.log(`digest over the monitor history vs a bare JSONL script (node ${process.version})`)
  const main = history(RECORDS)
  await compare({label: `digest, ${RECORDS.toLocaleString('en')} records`, aLabel: '`fastpay-tg digest --dry-run`', bLabel: 'a bare JSONL script', a: digest(main), b: bare(main), env, runs, rounds, target: 1.2})
  rmSync(main, {recursive: true, force: true})
  // Memory: one pair a round, three rounds; the row's verdict is the RSS ceiling's (no time target).
  for (const count of [100_000, 1_000_000]) {
    const stateDir = history(count)
    await compare({label: `digest peak RSS, ${count.toLocaleString('en')} records`, aLabel: '`fastpay-tg digest --dry-run`', bLabel: 'a bare JSONL script', a: digest(stateDir), b: bare(stateDir), env, runs: 1, rounds, peakRssTargetMiB: 100})
    rmSync(stateDir, {recursive: true, force: true})
  }
} finally {
  rmSync(home, {recursive: true, force: true})
}
