// `node bench/monitor.mjs` (after `npm run build`): `monitor run` of the built CLI over 1,000 HTTP checks on
// loopback (half answered at once, half after BENCH_DELAY_MS) against a bare node:http script making the same
// requests with the same concurrency (a fresh connection each, as the checks do). Both are whole processes, timed
// from spawn to exit, interleaved A B A B … with bench/ab.mjs (BENCH_ROUNDS rounds, default 3, of BENCH_RUNS pairs,
// default 3; a verdict only when three consecutive rounds agree): median, min and max of each and of the per-pair
// ratio, CPU time (user + system) and peak RSS. Target (issue 15): wall ratio <= 1.3x. The state dir is kept between
// runs, as under cron (one warm-up pass creates it). BENCH_CHECKS, BENCH_DELAY_MS, BENCH_CONCURRENCY change the load.
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'

import {compare} from './ab.mjs'

const CHECKS = Number(process.env.BENCH_CHECKS ?? 1000)
const DELAY_MS = Number(process.env.BENCH_DELAY_MS ?? 100)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const TARGET = 1.3

const timers = new Set()
const server = createServer((request, response) => {
  request.resume()
  const answer = () => response.writeHead(200, {'content-type': 'application/json'}).end('{"status":"ok"}')
  if (!request.url.startsWith('/slow')) return answer()
  const timer = setTimeout(() => {
    timers.delete(timer)
    answer()
  }, DELAY_MS)
  timers.add(timer)
})
// A deep accept queue: many connections arrive at once, and a dropped SYN costs a one-second retransmit.
await new Promise((resolve) => server.listen({port: 0, host: '127.0.0.1', backlog: 4096}, resolve))
const base = `http://127.0.0.1:${server.address().port}`
const pathOf = (index) => `/${index % 2 === 0 ? 'fast' : 'slow'}/${index}`

const home = mkdtempSync(join(tmpdir(), 'fastpay-tg-monitor-bench-'))
const probe = join(home, 'usage.cjs')
// Preloaded into both processes: each reports its own peak RSS and CPU time when it exits.
writeFileSync(probe, `process.on('exit', () => { const u = process.resourceUsage(); require('node:fs').writeFileSync(process.env.BENCH_USAGE_FILE, JSON.stringify({maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000})) })\n`)

const monitorsFile = join(home, 'monitors.yml')
{
  const lines = [`concurrency: ${CONCURRENCY}`, 'defaults: {timeout: 10s, failure-threshold: 1}', 'checks:']
  for (let index = 0; index < CHECKS; index++) lines.push(`  - {name: check-${index}, type: http, url: "${base}${pathOf(index)}", expect: {status: 200, body-contains: ok}}`)
  writeFileSync(monitorsFile, `${lines.join('\n')}\n`)
}

const bareScript = join(home, 'bare.cjs')
writeFileSync(
  bareScript,
  `const {request} = require('node:http')
const one = (i) => new Promise((resolve, reject) => {
  const q = request('${base}/' + (i % 2 === 0 ? 'fast' : 'slow') + '/' + i, {agent: false}, (r) => { const c = []; r.on('data', (d) => c.push(d)); r.on('end', () => resolve(Buffer.concat(c).toString().includes('ok'))) })
  q.on('error', reject)
  q.end()
})
let next = 0
const worker = async () => { while (next < ${CHECKS}) await one(next++) }
Promise.all(Array.from({length: ${CONCURRENCY}}, worker))
`,
)

// BENCH_PROFILE_DIR=dir: each `monitor run` also writes a CPU profile there, to see where its time goes.
const PROFILE = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []

function timed(args, label) {
  const usageFile = join(home, `usage-${label}`)
  const env = {PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), BENCH_USAGE_FILE: usageFile, NODE_OPTIONS: `--require ${probe}`}
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, {env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const wallMs = performance.now() - started
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.trim()}`))
      resolve({wallMs, stdout, ...JSON.parse(readFileSync(usageFile, 'utf8'))})
    })
  })
}

const monitorRun = (label) => timed([...PROFILE, 'bin/run.js', 'monitor', 'run', '--file', monitorsFile, '--state-dir', join(home, 'state'), '--json'], label)

const monitorArgs = [...PROFILE, 'bin/run.js', 'monitor', 'run', '--file', monitorsFile, '--state-dir', join(home, 'state'), '--json']
const env = {PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, 'config')}

try {
  console.log(`monitor run vs a bare node:http script: ${CHECKS} HTTP checks on loopback, half answered after ${DELAY_MS} ms, ${CONCURRENCY} at once (node ${process.version})`)
  const warm = JSON.parse((await monitorRun('warm-up')).stdout)
  const failing = warm.checks.filter((check) => !check.ok).length
  if (failing > 0) throw new Error(`${failing} checks failed in the warm-up pass: the figures would not compare like with like`)
  await compare({
    label: `monitor run, ${CHECKS} HTTP checks (${CONCURRENCY} at once, half delayed ${DELAY_MS} ms)`,
    aLabel: '`fastpay-tg monitor run`',
    bLabel: 'a bare node:http script, same requests and concurrency',
    a: {command: process.execPath, args: monitorArgs},
    b: {command: process.execPath, args: [bareScript]},
    env,
    runs: RUNS,
    rounds: ROUNDS,
    warmup: 0,
    target: TARGET,
  })
} finally {
  for (const timer of timers) clearTimeout(timer)
  server.closeAllConnections()
  server.close()
  rmSync(home, {recursive: true, force: true})
}
