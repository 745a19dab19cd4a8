// `node bench/send-transport.mjs` (after `npm run build`): what one `send` costs against the floor, issue 15 item 1.
// Whole processes timed from spawn to exit, run interleaved A B A B … so that the machine's load falls on both
// alike; prints the median, min and max of each side and of the per-pair ratio, CPU time (user + system) and peak
// RSS, each process reporting its own through a preloaded probe. Pairs:
//   1. `fastpay-tg send TEXT` vs bench/bare-http-send.mjs (one sendMessage over node:http): target <= 2.0x, RSS <= 65 MiB
//   2. upload floor: node:http multipart stream vs fetch + FormData + file Blob (which transport streams faster)
//   3. `fastpay-tg send --document FILE` vs the node:http upload floor
// Peak RSS caveat: Linux keeps the spawning process's RSS high-water mark across fork + exec, so a child's figure
// cannot read below this bench's own (which holds the fake API's recorded uploads until reset after each run):
// upload rows' RSS are upper bounds, not the children's own.
// BENCH_RUNS (default 15) and BENCH_UPLOAD_MB (default 20) change the figures; BENCH_BASELINE_BIN=/other/bin/run.js
// adds a pair comparing `send` of another build (say, main before a change) with this one.
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {startFakeBotApi} from '../dist/fake-bot-api.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 15)
const UPLOAD_MB = Number(process.env.BENCH_UPLOAD_MB ?? 20)
const TOKEN = '7012345678:AAHbenchTokenForTheFakeApi_0123456789x'
const CHAT = '4242'

const api = await startFakeBotApi({bots: [{token: TOKEN, id: 7012345678, username: 'bench_bot'}], chats: [{id: 4242, type: 'private', first_name: 'Bench'}]})
const home = mkdtempSync(join(tmpdir(), 'fastpay-tg-send-bench-'))
const probe = join(home, 'usage.cjs')
writeFileSync(probe, `process.on('exit', () => { const u = process.resourceUsage(); require('node:fs').writeFileSync(process.env.BENCH_USAGE_FILE, JSON.stringify({maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000})) })\n`)
const upload = join(home, 'upload.bin')
writeFileSync(upload, Buffer.alloc(UPLOAD_MB * 1024 * 1024, 'fastpay'))

function timed(args) {
  const usageFile = join(home, 'usage.json')
  const env = {PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state'), TELEGRAM_API_BASE_URL: api.url, BENCH_USAGE_FILE: usageFile, NODE_OPTIONS: `--require ${probe}`}
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, {env, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const wallMs = performance.now() - started
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.trim()}`))
      api.reset()
      resolve({wallMs, ...JSON.parse(readFileSync(usageFile, 'utf8'))})
    })
  })
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const spread = (values, digits = 0, unit = ' ms') => `median ${median(values).toFixed(digits)}${unit} (min ${Math.min(...values).toFixed(digits)}, max ${Math.max(...values).toFixed(digits)})`

async function pair(label, a, b, {target, rssTargetMiB} = {}) {
  const runs = {a: [], b: []}
  for (let index = 0; index < 2 + RUNS; index++) {
    const first = await timed(a)
    const second = await timed(b)
    if (index >= 2) {
      runs.a.push(first)
      runs.b.push(second)
    }
  }
  const ratios = runs.a.map((run, index) => run.wallMs / runs.b[index].wallMs)
  const cpuRatios = runs.a.map((run, index) => run.cpuMs / runs.b[index].cpuMs)
  const rssA = runs.a.map((run) => run.maxRssKb / 1024)
  const rssB = runs.b.map((run) => run.maxRssKb / 1024)
  console.log(`\n${label} (${RUNS} interleaved pairs)`)
  console.log(`  A wall ${spread(runs.a.map((run) => run.wallMs))}, CPU ${spread(runs.a.map((run) => run.cpuMs))}, peak RSS ${spread(rssA, 1, ' MiB')}`)
  console.log(`  B wall ${spread(runs.b.map((run) => run.wallMs))}, CPU ${spread(runs.b.map((run) => run.cpuMs))}, peak RSS ${spread(rssB, 1, ' MiB')}`)
  const verdict = target === undefined ? '' : median(ratios) <= target ? `  (target <= ${target}x: met)` : `  (target <= ${target}x: MISSED)`
  console.log(`  A/B wall ${spread(ratios, 2, 'x')}${verdict}`)
  console.log(`  A/B CPU  ${spread(cpuRatios, 2, 'x')}`)
  if (rssTargetMiB !== undefined) console.log(`  A peak RSS median ${median(rssA).toFixed(1)} MiB (target <= ${rssTargetMiB} MiB: ${median(rssA) <= rssTargetMiB ? 'met' : 'MISSED'})`)
}

const cli = (bin, ...rest) => [bin, 'send', '--token', TOKEN, '--chat', CHAT, ...rest]
try {
  console.log(`fastpay-tg send transport bench, node ${process.version}`)
  await pair('1. send one message: fastpay-tg send (A) vs bare node:http script (B)', cli('bin/run.js', 'bench'), ['bench/bare-http-send.mjs', api.url, TOKEN, CHAT, 'bench'], {target: 2, rssTargetMiB: 65})
  if (process.env.BENCH_BASELINE_BIN) {
    await pair(`send one message: this build (A) vs ${process.env.BENCH_BASELINE_BIN} (B)`, cli('bin/run.js', 'bench'), cli(process.env.BENCH_BASELINE_BIN, 'bench'))
  }
  const floorArgs = [api.url, TOKEN, CHAT, 'report', '--document', upload]
  await pair(`2. upload ${UPLOAD_MB} MiB: node:http multipart stream (A) vs fetch + FormData + file Blob (B)`, ['bench/bare-http-send.mjs', ...floorArgs], ['bench/bare-fetch-upload.mjs', ...floorArgs])
  await pair(`3. upload ${UPLOAD_MB} MiB: fastpay-tg send --document (A) vs node:http upload floor (B)`, cli('bin/run.js', '--document', upload, 'report'), ['bench/bare-http-send.mjs', ...floorArgs])
} finally {
  await api.close()
  rmSync(home, {recursive: true, force: true})
}
