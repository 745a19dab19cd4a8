// `npm run bench`: every figure of README's performance table, as ratios against the cheapest possible equivalent,
// measured on this machine with bench/ab.mjs: A and B interleaved, BENCH_ROUNDS rounds (default 3) of BENCH_RUNS
// pairs (default 10 here; the heavier benches set their own) each; a verdict only when three consecutive rounds
// agree. The CLI's start-up and send rows run here; the other benches run as child processes and add their rows
// through BENCH_TABLE_FILE; the table is printed at the end. BENCH_ONLY=run,monitor,… picks benches by name.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {startFakeBotApi} from '../dist/fake-bot-api.js'
import {compare, tableLines} from './ab.mjs'
import {measureProcess} from './measure.mjs'

const TOKEN = '7012345678:AAHbenchTokenForTheFakeApi_0123456789x'
const CHAT = 4242
const runs = Number(process.env.BENCH_RUNS ?? 10)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const warmup = 1
const only = process.env.BENCH_ONLY?.split(',')
const wanted = (name) => only === undefined || only.includes(name)

// The benches run as their own processes, in this order, after the CLI rows (each takes well under a minute).
const CHILD_BENCHES = ['send-stats', 'monitor', 'monitors-yaml', 'webhook-load', 'digest']

const home = mkdtempSync(join(tmpdir(), 'fastpay-tg-bench-run-'))
const tableFile = join(home, 'table.jsonl')
process.env.BENCH_TABLE_FILE = tableFile

async function cliRows() {
  const api = await startFakeBotApi({
    bots: [{token: TOKEN, id: 7012345678, username: 'bench_bot'}],
    chats: [{id: CHAT, type: 'private', first_name: 'Bench'}],
  })
  // The user's own environment (it sets start-up costs such as NODE_EXTRA_CA_CERTS), minus any bot config.
  const env = {...process.env, HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent', TELEGRAM_API_BASE_URL: api.url}
  for (const key of Object.keys(env)) if (/^(TELEGRAM_BOT_|TELEGRAM_CHAT_|FASTPAY_TG_)/.test(key)) delete env[key]
  const node = process.execPath
  const options = {env, runs, rounds, warmup}
  const nodeFloor = {command: node, args: ['-e', '0']}
  try {
    await compare({...options, label: 'cold start', aLabel: '`fastpay-tg --version`', bLabel: '`node -e 0`', a: {command: node, args: ['bin/run.js', '--version']}, b: nodeFloor, target: 1.7})
    await compare({...options, label: 'help', aLabel: '`fastpay-tg send --help`', bLabel: '`node -e 0`', a: {command: node, args: ['bin/run.js', 'send', '--help']}, b: nodeFloor, target: 1.9})

    // A suppressed alert: the first one (unmeasured) holds the key for a day, so every measured one is held back
    // by the throttle and touches no network.
    const alert = ['bin/run.js', 'alert', 'bench suppressed', '--token', TOKEN, '--chat', String(CHAT), '--state-dir', join(home, 'alert-state'), '--throttle-seconds', '86400']
    await measureProcess(node, alert, {env})
    const sentBefore = api.requests.length
    await compare({...options, label: 'suppressed alert', aLabel: '`fastpay-tg alert` held back by the throttle', bLabel: '`node -e 0`', a: {command: node, args: alert}, b: nodeFloor, target: 2})
    if (api.requests.length !== sentBefore) throw new Error(`a suppressed alert reached the fake Bot API (${api.requests.length - sentBefore} requests)`)

    await compare({
      ...options,
      label: 'send',
      aLabel: '`fastpay-tg send`',
      bLabel: 'a bare node:http script (bench/bare-http-send.mjs)',
      a: {command: node, args: ['bin/run.js', 'send', '--token', TOKEN, '--chat', String(CHAT), 'bench']},
      b: {command: node, args: ['bench/bare-http-send.mjs', api.url, TOKEN, String(CHAT), 'bench']},
      target: 2,
      peakRssTargetMiB: 65,
    })
    const sends = api.requests.filter((request) => request.method === 'sendMessage' && request.status === 200).length
    const expected = 1 + 2 * (warmup + rounds * runs)
    console.log(`messages accepted by the fake Bot API: ${sends} of ${expected}`)
    if (sends !== expected) process.exitCode = 1
  } finally {
    await api.close()
  }
}

try {
  console.log(`fastpay-tg benchmarks (${rounds} rounds of interleaved A/B pairs each, node ${process.version})`)
  if (wanted('run')) await cliRows()
  for (const name of CHILD_BENCHES.filter(wanted)) {
    console.log('')
    // Each bench sets its own pair count; BENCH_RUNS given by the user still reaches them.
    const child = spawnSync(process.execPath, [`bench/${name}.mjs`], {stdio: 'inherit', env: process.env})
    if (child.status !== 0) {
      console.log(`bench/${name}.mjs exited ${child.status}`)
      process.exitCode = 1
    }
  }
  const rows = readFileSync(tableFile, {encoding: 'utf8', flag: 'a+'}).split('\n').filter(Boolean).map((line) => JSON.parse(line))
  console.log('\nREADME performance table (ratios are wall time unless marked CPU):')
  for (const line of tableLines(rows)) console.log(line)
} finally {
  rmSync(home, {recursive: true, force: true})
}
