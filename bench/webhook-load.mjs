// `node bench/webhook-load.mjs` (after `npm run build`): Telegram updates POSTed to `webhook serve` on loopback,
// 50 in flight, against the fake Bot API, interleaved with the same load on a minimal node:http server that parses
// the JSON and answers 200 (its own process): BENCH_ROUNDS rounds (default 3) of BENCH_RUNS pairs (default 3) of
// BENCH_UPDATES updates (default 10,000) each, the pairs' order alternating (A B, B A, …) so neither side always runs
// right after the other. Per pair, serve's throughput (updates answered 200 a second, timed by the client from the
// first POST to the last answer) over the minimal server's; a verdict only when three consecutive rounds agree
// (target >= 0.9x); p99 of serve's answers under 50 ms, measured by the client on every request (the minimal
// server's p99 beside it: the floor on this machine at this moment); each server's CPU per request (its whole
// process, from /proc, during its own runs); and every update answered 200 and every reply delivered through the
// limiter. Both servers get the same client, the same bodies, paths and headers (the minimal server ignores the
// path and the secret header); the fake Bot API that serve's replies go to runs on a thread of its own, so the
// client's thread does the same work in both sides' runs.
//
// Why 10,000 updates a run: a run of 2,000 lasted about 140 ms, so a few ms of another process on this shared
// 2-core machine moved a pair by half (0.50x to 1.67x) and the round medians flipped across the target; a run of
// 10,000 lasts about 0.7 s, long enough for such a stall to be a small part of it. More is not better here: every
// update gets a reply, and the replies drain at 30 a second per bot after the run (see below), about 33 s a run.
//
// serve serves BENCH_BOTS registry bots (default 10), the updates spread over their paths in turn: Telegram lets
// each bot send 30 messages a second, and every reply goes through its bot's limiter, so with one bot the replies
// of 10,000 updates would take 6 minutes to drain. A reply is sent after its update was answered: those the limiters
// let out during serve's run (the first 30 per bot at once, then 30 a second per bot) are in its timed run and its
// CPU a request, counted and printed; the rest go out after it. Every run, of either side, starts once serve has sent
// all the replies of its earlier runs (an untimed wait), so no run shares the machine with them. One unmeasured pair
// of 2,000 updates warms both sides first. At the end the bench reports serve's CPU all told per update (answer,
// reply through the limiter, log line) from the first update to the last reply, beside the timed figures.
//
// The client is node:http with a keep-alive agent of 50 sockets per server, the same for both: global fetch cost
// the client about 0.9 ms of CPU a request here against 0.1 ms for node:http, so with fetch both sides measured
// mostly the client (about 220 answers/s each at load average 25).
import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {Agent, request} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {Worker} from 'node:worker_threads'

import {recordRow, spread, verdictLine, verdict as verdictOf} from './ab.mjs'

const UPDATES = Number(process.env.BENCH_UPDATES ?? 10_000)
// The unmeasured warm-up pair: enough for the JIT and the keep-alive sockets, and its replies drain in about 7 s.
const WARMUP_UPDATES = Math.min(UPDATES, 2000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const THROUGHPUT_TARGET = 0.9
const P99_TARGET_MS = 50
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 50)
const CHATS = 100
const BOTS = Number(process.env.BENCH_BOTS ?? 10)
const SECRET = 'bench_webhook_secret'
// A run's 2,000 replies drain in about 7 s at 10 x 30 a second.
const WAIT_LIMIT_MS = 120_000

const chats = Array.from({length: CHATS}, (_, index) => ({id: 10_001 + index, type: 'private', first_name: `User${index}`}))
// Registry ids 1…BOTS: serve answers bot n at /api/telegram/webhook/n/.
const bots = Array.from({length: BOTS}, (_, index) => ({registryId: index + 1, token: `${7_012_345_600 + index}:AAHbenchTokenForTheFakeApi_0123456789x`, id: 7_012_345_600 + index, username: `bench_${index + 1}_bot`}))
// The fake Bot API answers serve's replies on a thread of its own (see fake-bot-api-worker.mjs); it reports how many
// replies it answered so far.
const apiWorker = new Worker(new URL('./fake-bot-api-worker.mjs', import.meta.url), {workerData: {bots: bots.map(({token, id, username}) => ({token, id, username})), chats}})
let repliedSoFar = 0
const api = await new Promise((resolve, reject) => {
  apiWorker.once('error', reject)
  apiWorker.on('message', (message) => {
    if (message.url !== undefined) resolve({url: message.url})
    if (message.replies !== undefined) repliedSoFar = message.replies
    if (message.count !== undefined) counted.shift()?.(message.count)
  })
})
const replied = () => repliedSoFar
// The exact count now (the reports above come every 20 ms): how many replies went out during a timed run.
const counted = []
const repliesNow = () => new Promise((resolve) => {
  counted.push(resolve)
  apiWorker.postMessage('count')
})
const home = mkdtempSync(join(tmpdir(), 'fastpay-tg-webhook-bench-'))
mkdirSync(join(home, 'config', 'fastpay-tg'), {recursive: true})
const registry = `bots:\n${bots.map((bot) => `  - name: bench${bot.registryId}\n    id: ${bot.registryId}\n    token: ${bot.token}\n`).join('')}`
writeFileSync(join(home, 'config', 'fastpay-tg', 'config.yml'), registry, {mode: 0o600})
const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: home,
  XDG_CONFIG_HOME: join(home, 'config'),
  XDG_STATE_HOME: join(home, 'state'),
  TELEGRAM_API_BASE_URL: api.url,
  TELEGRAM_WEBHOOK_SECRET: SECRET,
}
// BENCH_SERVE_NODE_ARGS: node flags for the serve process only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
const serveNodeArgs = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean)
const server = spawn(process.execPath, [...serveNodeArgs, 'bin/run.js', 'webhook', 'serve', '--port', '0'], {env, stdio: ['ignore', 'pipe', 'pipe']})
let stdout = ''
let stderr = ''
server.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk))
server.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk))
const exited = new Promise((resolve) => server.once('exit', resolve))

/** Resolves when `condition()` holds, checking every few ms; fails with `what` after WAIT_LIMIT_MS. */
async function waitUntil(condition, what) {
  const deadline = Date.now() + WAIT_LIMIT_MS
  while (!condition()) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/**
 * Update n: to bot n mod BOTS (the bots' updates interleaved, as they arrive from Telegram), from chat n / BOTS mod
 * CHATS (every bot hears from every chat, so each bot's 30 a second binds, not the one a second per chat), a /start
 * or a /help (each answered with a reply).
 */
function update(updateId) {
  const chat = chats[Math.floor(updateId / BOTS) % CHATS]
  const path = `/api/telegram/webhook/${bots[updateId % BOTS].registryId}/`
  return {path, body: JSON.stringify({
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 1_750_000_000,
      chat: {id: chat.id, type: 'private', first_name: chat.first_name},
      from: {id: chat.id, is_bot: false, first_name: chat.first_name},
      text: updateId % 2 === 0 ? '/help' : '/start',
      entities: [{type: 'bot_command', offset: 0, length: updateId % 2 === 0 ? 5 : 6}],
    },
  })}
}

/** One POST over `agent`; resolves with the status once the whole answer is read. */
function post({hostname, port}, agent, path, body, headers) {
  return new Promise((resolve, reject) => {
    const sent = request({hostname, port, path, method: 'POST', agent, headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers}}, (response) => {
      response.resume()
      response.once('end', () => resolve(response.statusCode))
      response.once('error', reject)
    })
    sent.once('error', reject)
    sent.end(body)
  })
}

/** CPU time (user + system) of a process so far, in ms, from /proc; undefined where there is no /proc. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return undefined
  }
}

/** POSTs every body with IN_FLIGHT requests at a time; latency of each answer, statuses, total time, the server's CPU. */
async function load({origin, agent, pid}, updates, headers) {
  const latencies = []
  const statuses = new Map()
  let next = 0
  const cpuBefore = cpuMs(pid)
  const started = performance.now()
  const worker = async () => {
    while (next < updates.length) {
      const {path, body} = updates[next++]
      const sentAt = performance.now()
      const status = await post(origin, agent, path, body, headers)
      latencies.push(performance.now() - sentAt)
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
    }
  }
  await Promise.all(Array.from({length: IN_FLIGHT}, worker))
  const totalMs = performance.now() - started
  const cpuAfter = cpuMs(pid)
  const cpuPerRequestMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / updates.length
  return {sorted: latencies.sort((a, b) => a - b), statuses, totalMs, cpuPerRequestMs}
}

/** The floor: a node:http server doing nothing but reading the body, parsing it and answering 200, in its own process. */
async function startBareServer() {
  const code = `const s = require('node:http').createServer((q, r) => { const c = []; q.on('data', (d) => c.push(d)); q.on('end', () => { JSON.parse(Buffer.concat(c)); r.writeHead(200, {'content-length': '0'}); r.end() }) }); s.listen(0, '127.0.0.1', () => console.log(s.address().port))`
  const bare = spawn(process.execPath, ['-e', code], {stdio: ['ignore', 'pipe', 'inherit']})
  const port = await new Promise((resolve) => bare.stdout.once('data', (data) => resolve(String(data).trim())))
  return {origin: new URL(`http://127.0.0.1:${port}`), pid: bare.pid, close: () => bare.kill()}
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
const ms = (value) => `${value.toFixed(1)} ms`
let failed = false

let bareServer
let sentUpdates = 0
try {
  await waitUntil(() => /^listening on /m.test(stdout), 'serve did not start')
  const origin = new URL(/^listening on (\S+)/m.exec(stdout)[1])
  bareServer = await startBareServer()
  const headers = {'x-telegram-bot-api-secret-token': SECRET}
  const agentOptions = {keepAlive: true, maxSockets: IN_FLIGHT}
  const served = {origin, agent: new Agent(agentOptions), pid: server.pid}
  const bare = {origin: bareServer.origin, agent: new Agent(agentOptions), pid: bareServer.pid}
  const nextUpdates = (count) => Array.from({length: count}, () => update(++sentUpdates))
  let sentToServe = 0
  // Each run starts once serve has sent every reply so far (untimed): neither side's run shares the machine with
  // serve's replies to earlier runs. A run of serve counts the replies it sent while timed: they are in its figures.
  const run = async (side, count = UPDATES) => {
    await waitUntil(() => replied() >= sentToServe, `only ${replied()} of ${sentToServe} replies reached the fake Bot API`)
    const repliesBefore = side === served ? await repliesNow() : 0
    const result = await load(side, nextUpdates(count), headers)
    if (side === served) {
      result.repliesTimed = (await repliesNow()) - repliesBefore
      sentToServe += count
    }
    return result
  }
  // serve's CPU all told, from before its first update to after its last reply (the replies' wait is not timed).
  const servedCpuAtStart = cpuMs(server.pid)
  // One unmeasured pair warms the client, serve and the minimal server alike (and opens the keep-alive sockets).
  await run(served, WARMUP_UPDATES)
  await run(bare, WARMUP_UPDATES)
  const rounds = []
  const latencies = {served: [], bare: []}
  const statuses = {served: new Map(), bare: new Map()}
  for (let round = 0; round < ROUNDS; round++) {
    const pairs = []
    for (let index = 0; index < RUNS; index++) {
      const servedFirst = (round * RUNS + index) % 2 === 0
      const first = await run(servedFirst ? served : bare)
      const second = await run(servedFirst ? bare : served)
      const pair = servedFirst ? {served: first, bare: second} : {served: second, bare: first}
      for (const side of ['served', 'bare']) {
        for (const [status, count] of pair[side].statuses) statuses[side].set(status, (statuses[side].get(status) ?? 0) + count)
        latencies[side].push(...pair[side].sorted)
      }
      pairs.push({throughput: pair.bare.totalMs / pair.served.totalMs, ...pair})
    }
    rounds.push(pairs)
  }
  const servedUpdates = WARMUP_UPDATES + UPDATES * ROUNDS * RUNS
  await waitUntil(() => replied() >= servedUpdates, `only ${replied()} of ${servedUpdates} replies reached the fake Bot API`)
  const servedCpuAtEnd = cpuMs(server.pid)
  const cpuAllTold = servedCpuAtStart === undefined || servedCpuAtEnd === undefined ? undefined : (servedCpuAtEnd - servedCpuAtStart) / servedUpdates

  const all = rounds.flat()
  const perSecond = (result) => UPDATES / (result.totalMs / 1000)
  // verdict() holds ratios against "<= target": serve's time over the minimal server's, against 1 / 0.9.
  const roundTimeRatios = rounds.map((pairs) => spread(pairs.map((pair) => 1 / pair.throughput)).median)
  const outcome = verdictOf(roundTimeRatios, 1 / THROUGHPUT_TARGET)
  for (const side of ['served', 'bare']) latencies[side].sort((a, b) => a - b)
  const p99 = percentile(latencies.served, 99)
  const measured = UPDATES * ROUNDS * RUNS
  const ok = statuses.served.get(200) ?? 0
  const answeredAll = ok === measured && statuses.bare.get(200) === measured
  const repliedAll = replied() === servedUpdates
  const throughput = spread(all.map((pair) => pair.throughput))
  const cpu = all.every((pair) => pair.served.cpuPerRequestMs !== undefined && pair.bare.cpuPerRequestMs !== undefined)
    ? {served: spread(all.map((pair) => pair.served.cpuPerRequestMs)), bare: spread(all.map((pair) => pair.bare.cpuPerRequestMs))}
    : undefined
  const cpuRatio = cpu && cpu.bare.median > 0 ? cpu.served.median / cpu.bare.median : undefined
  const answers = (sorted) => `answers p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1))}`
  const cpuText = (side) => (cpu ? `; CPU ${(cpu[side].median * 1000).toFixed(0)} µs a request (median)` : '')
  const otherStatuses = (side) => (statuses[side].size > 1 ? ` (statuses: ${JSON.stringify(Object.fromEntries(statuses[side]))})` : '')
  console.log(`webhook load: ${UPDATES} updates from ${CHATS} chats to ${BOTS} bots a run, ${IN_FLIGHT} in flight; ${ROUNDS} rounds of ${RUNS} interleaved pairs (node ${process.version})`)
  console.log(`  A webhook serve: ${spread(all.map((pair) => perSecond(pair.served))).median.toFixed(0)} updates/s (median), ${answers(latencies.served)}${cpuText('served')}`)
  console.log(`  B minimal node:http server (parses the JSON, answers 200): ${spread(all.map((pair) => perSecond(pair.bare))).median.toFixed(0)} updates/s (median), ${answers(latencies.bare)}${cpuText('bare')}`)
  console.log(`  A/B throughput median ${throughput.median.toFixed(2)}x (min ${throughput.min.toFixed(2)}, max ${throughput.max.toFixed(2)})${cpuRatio === undefined ? '' : `; CPU a request A/B ${cpuRatio.toFixed(2)}x`}`)
  console.log(`  round medians (time A/B): ${roundTimeRatios.map((value) => `${value.toFixed(2)}x`).join(', ')}; ${verdictLine(roundTimeRatios, Number((1 / THROUGHPUT_TARGET).toFixed(3)))}`)
  const timedReplies = spread(all.map((pair) => pair.served.repliesTimed))
  console.log(`  replies serve sent during its timed runs (through its bots' limiters, 30/s each): median ${timedReplies.median} a run (min ${timedReplies.min}, max ${timedReplies.max}); the rest after, untimed`)
  if (cpuAllTold !== undefined) console.log(`  serve's CPU all told (answer, reply through the limiter, log line; replies not timed): ${(cpuAllTold * 1000).toFixed(0)} µs an update`)
  console.log(`  answered 200: A ${ok} of ${measured}${otherStatuses('served')}, B ${statuses.bare.get(200) ?? 0} of ${measured}${otherStatuses('bare')}; replies recorded by the fake Bot API: ${replied()} of ${servedUpdates}`)
  const met = outcome === 'MET' && p99 < P99_TARGET_MS && answeredAll && repliedAll
  recordRow({
    bench: `webhook serve vs a minimal node:http JSON server: ${UPDATES} updates a run to ${BOTS} bots, ${IN_FLIGHT} in flight`,
    measured: `throughput ${throughput.median.toFixed(2)}x${cpuRatio === undefined ? '' : `; **CPU** ${cpuRatio.toFixed(2)}x`}; p99 ${p99.toFixed(1)} ms (minimal server ${percentile(latencies.bare, 99).toFixed(1)} ms); ${ok}/${measured} answered, ${replied()}/${servedUpdates} replied`,
    target: `>= ${THROUGHPUT_TARGET}x, p99 < ${P99_TARGET_MS} ms, all replied`,
    verdict: outcome === undefined ? 'no verdict' : met ? 'MET' : 'MISSED',
  })
  failed = !answeredAll || !repliedAll
} catch (error) {
  console.error(String(error.message ?? error))
  failed = true
} finally {
  server.kill('SIGTERM')
  const code = await exited
  bareServer?.close()
  const lines = stdout.split('\n')
  const stoppedLine = lines.find((line) => line.startsWith('stopped after'))
  // One log line per reply, each before the stop lines: none lost, none written after serve said it stopped.
  const repliedLines = lines.filter((line) => / in chat \d+: replied$/.test(line)).length
  const logInOrder = lines.findIndex((line) => / in chat \d+: replied$/.test(line)) < lines.findIndex((line) => /^SIGTERM: /.test(line)) && lines.findLastIndex((line) => / in chat \d+: replied$/.test(line)) < lines.indexOf(stoppedLine)
  console.log(`  serve stopped on SIGTERM: exit ${code}, "${stoppedLine ?? 'no stop line'}"; ${repliedLines} "replied" log lines${logInOrder ? ', all before the stop lines' : ', NOT all before the stop lines'}`)
  const total = WARMUP_UPDATES + UPDATES * ROUNDS * RUNS
  if (code !== 0 || stoppedLine !== `stopped after ${total} updates` || repliedLines !== total || !logInOrder) failed = true
  if (stderr.trim() !== '') console.log(`  serve stderr:\n${stderr}`)
  const closed = new Promise((resolve) => apiWorker.on('message', (message) => message.closed && resolve()))
  apiWorker.postMessage('close')
  await closed
  await apiWorker.terminate()
  rmSync(home, {recursive: true, force: true})
}
if (failed) process.exitCode = 1
