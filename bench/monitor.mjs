// `node bench/monitor.mjs` (after `npm run build`): one `monitor run` of the built CLI over 1,000 HTTP checks on
// loopback, half of them answered after a fixed delay (500 ms). The checks run concurrently, so a pass should take
// about one delay, not 500 of them: prints the pass's check phase, the whole pass and the process's wall time
// against the delay (target <= 1.2x for the pass), and the process's peak memory (max RSS). Then the same run at the
// default concurrency (50), for comparison. BENCH_CHECKS, BENCH_DELAY_MS, BENCH_CONCURRENCY change the figures.
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'

const CHECKS = Number(process.env.BENCH_CHECKS ?? 1000)
const DELAY_MS = Number(process.env.BENCH_DELAY_MS ?? 500)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? CHECKS)
const TARGET = 1.2

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
// A deep accept queue: 1,000 connections arrive at once, and a dropped SYN costs a one-second retransmit.
await new Promise((resolve) => server.listen({port: 0, host: '127.0.0.1', backlog: 4096}, resolve))
const base = `http://127.0.0.1:${server.address().port}`

const home = mkdtempSync(join(tmpdir(), 'fastpay-tg-monitor-bench-'))
const probe = join(home, 'max-rss.cjs')
// Preloaded into the CLI process: reports its own peak RSS when it exits.
writeFileSync(probe, `process.on('exit', () => require('node:fs').writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)))\n`)

function monitorsFile(concurrency) {
  const lines = [`concurrency: ${concurrency}`, 'defaults: {timeout: 10s, failure-threshold: 1}', 'checks:']
  for (let index = 0; index < CHECKS; index++) {
    const path = index % 2 === 0 ? 'fast' : 'slow'
    lines.push(`  - {name: check-${index}, type: http, url: "${base}/${path}/${index}", expect: {status: 200, body-contains: ok}}`)
  }
  const file = join(home, `monitors-${concurrency}.yml`)
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

function runPass(file, label) {
  const stateDir = join(home, `state-${label}`)
  const rssFile = join(home, `rss-${label}`)
  const env = {PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), BENCH_RSS_FILE: rssFile, NODE_OPTIONS: `--require ${probe}`}
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, ['bin/run.js', 'monitor', 'run', '--file', file, '--state-dir', stateDir, '--json'], {env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const wallMs = performance.now() - started
      if (code !== 0) return reject(new Error(`monitor run exited ${code}: ${stderr.trim()}`))
      const report = JSON.parse(stdout)
      resolve({wallMs, report, maxRssKb: Number(readFileSync(rssFile, 'utf8'))})
    })
  })
}

/** The machine's own floor: the same 1,000 requests from a bare node:http script, no monitor at all. */
function bareRequests() {
  const script = `
const {request} = require('node:http')
const one = (i) => new Promise((resolve, reject) => {
  const q = request('${base}/' + (i % 2 === 0 ? 'fast' : 'slow') + '/' + i, {agent: false}, (r) => { r.resume(); r.on('end', resolve) })
  q.on('error', reject)
  q.end()
})
const t = performance.now()
Promise.all(Array.from({length: ${CHECKS}}, (_, i) => one(i))).then(() => console.log(performance.now() - t))`
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], {stdio: ['ignore', 'pipe', 'inherit']})
    let stdout = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.on('error', reject)
    child.on('close', () => resolve(Number(stdout)))
  })
}

const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const ratio = (ms) => `${Math.round(ms)} ms = ${(ms / DELAY_MS).toFixed(2)}x the delay`
try {
  console.log(`monitor run: ${CHECKS} HTTP checks on loopback, ${CHECKS / 2} answered after ${DELAY_MS} ms (node ${process.version}, median of ${RUNS} runs)`)
  const floor = []
  for (let run = 0; run < RUNS; run++) floor.push(await bareRequests())
  const all = []
  for (let run = 0; run < RUNS; run++) all.push(await runPass(monitorsFile(CONCURRENCY), `all-${run}`))
  const passed = Math.min(...all.map(({report}) => report.checks.filter((check) => check.ok).length))
  const checksMs = median(all.map(({report}) => report.checksMs))
  const verdict = checksMs / DELAY_MS <= TARGET ? 'met' : 'MISSED'
  console.log(`\nall at once (concurrency ${CONCURRENCY}):`)
  console.log(`  checks phase     ${ratio(checksMs)}  (target <= ${TARGET}x: ${verdict}; runs: ${all.map(({report}) => report.checksMs).join(', ')} ms)`)
  console.log(`  whole pass       ${ratio(median(all.map(({report}) => report.durationMs)))}  (state, history and alerts included)`)
  console.log(`  process wall     ${ratio(median(all.map(({wallMs}) => wallMs)))}  (node start-up and module loading included)`)
  console.log(`  peak memory      ${(Math.max(...all.map(({maxRssKb}) => maxRssKb)) / 1024).toFixed(1)} MiB max RSS`)
  console.log(`  checks passed    ${passed} of ${CHECKS}`)
  console.log(`  machine floor    ${ratio(median(floor))}  (the same requests from a bare node:http script, no monitor)`)
  const one = await runPass(singleCheckFile(), 'one')
  console.log(`  for reference    ${(one.maxRssKb / 1024).toFixed(1)} MiB max RSS for a run of 1 check`)
  const defaults = await runPass(monitorsFile(50), 'default')
  console.log(`\ndefault concurrency (50): checks phase ${ratio(defaults.report.checksMs)}, ${(defaults.maxRssKb / 1024).toFixed(1)} MiB max RSS`)
  if (passed !== CHECKS || defaults.report.checks.some((check) => !check.ok)) process.exitCode = 1
} finally {
  for (const timer of timers) clearTimeout(timer)
  server.closeAllConnections()
  server.close()
  rmSync(home, {recursive: true, force: true})
}

function singleCheckFile() {
  const file = join(home, 'monitors-one.yml')
  writeFileSync(file, `checks:\n  - {name: one, type: http, url: "${base}/fast/0"}\n`)
  return file
}
