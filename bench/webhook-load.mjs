// `node bench/webhook-load.mjs` (after `npm run build`): 1,000 Telegram updates POSTed to `webhook serve` on
// loopback, 50 in flight, against the fake Bot API. Checks that every update was answered 200 and every reply
// reached the fake (none lost), and prints the webhook's answer latency (p50/p90/p99/max) and throughput, next to a
// bare node:http server that only reads the body and answers 200, hit by the same client: on a small machine the
// client's own cost dominates both, and the ratio is what serve adds.
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'

import {startFakeBotApi} from '../dist/fake-bot-api.js'

const UPDATES = Number(process.env.BENCH_UPDATES ?? 1000)
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 50)
const CHATS = 100
const TOKEN = '7012345678:AAHbenchTokenForTheFakeApi_0123456789x'
const BOT_ID = 7012345678
const SECRET = 'bench_webhook_secret'
const WAIT_LIMIT_MS = 60_000

const chats = Array.from({length: CHATS}, (_, index) => ({id: 10_001 + index, type: 'private', first_name: `User${index}`}))
const api = await startFakeBotApi({bots: [{token: TOKEN, id: BOT_ID, username: 'bench_bot'}], chats})
const home = mkdtempSync(join(tmpdir(), 'fastpay-tg-webhook-bench-'))
const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: home,
  XDG_CONFIG_HOME: join(home, 'config'),
  XDG_STATE_HOME: join(home, 'state'),
  TELEGRAM_API_BASE_URL: api.url,
  TELEGRAM_WEBHOOK_SECRET: SECRET,
}
const server = spawn(process.execPath, ['bin/run.js', 'webhook', 'serve', '--port', '0', '--token', TOKEN], {env, stdio: ['ignore', 'pipe', 'pipe']})
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

function update(updateId) {
  const chat = chats[updateId % CHATS]
  return JSON.stringify({
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 1_750_000_000,
      chat: {id: chat.id, type: 'private', first_name: chat.first_name},
      from: {id: chat.id, is_bot: false, first_name: chat.first_name},
      text: updateId % 2 === 0 ? '/help' : '/start',
      entities: [{type: 'bot_command', offset: 0, length: updateId % 2 === 0 ? 5 : 6}],
    },
  })
}

/** POSTs every body with IN_FLIGHT requests at a time; latency of each answer, statuses, total time. */
async function load(url, bodies, headers) {
  const latencies = []
  const statuses = new Map()
  let next = 0
  const started = performance.now()
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]
      const sentAt = performance.now()
      const response = await fetch(url, {method: 'POST', headers: {'content-type': 'application/json', ...headers}, body})
      await response.arrayBuffer()
      latencies.push(performance.now() - sentAt)
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
    }
  }
  await Promise.all(Array.from({length: IN_FLIGHT}, worker))
  return {sorted: latencies.sort((a, b) => a - b), statuses, totalMs: performance.now() - started, started}
}

/** The floor: a node:http server doing nothing but reading the body and answering 200, in its own process. */
async function bareServerFigures(bodies) {
  const code = `const s = require('node:http').createServer((q, r) => { const c = []; q.on('data', (d) => c.push(d)); q.on('end', () => { JSON.parse(Buffer.concat(c)); r.writeHead(200, {'content-length': '0'}); r.end() }) }); s.listen(0, '127.0.0.1', () => console.log(s.address().port))`
  const bare = spawn(process.execPath, ['-e', code], {stdio: ['ignore', 'pipe', 'inherit']})
  try {
    const port = await new Promise((resolve) => bare.stdout.once('data', (data) => resolve(String(data).trim())))
    await load(`http://127.0.0.1:${port}/`, bodies, {})
    return await load(`http://127.0.0.1:${port}/`, bodies, {})
  } finally {
    bare.kill()
  }
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
const ms = (value) => `${value.toFixed(1)} ms`
let failed = false

try {
  await waitUntil(() => /^listening on /m.test(stdout), 'serve did not start')
  const url = `${/^listening on (\S+)/m.exec(stdout)[1]}/api/telegram/webhook/${BOT_ID}/`
  const bodies = Array.from({length: UPDATES}, (_, index) => update(index + 1))
  // The bare server first, with one unmeasured round to warm the client up, so neither run pays for that.
  const bare = await bareServerFigures(bodies)
  const {sorted, statuses, totalMs: postedMs, started} = await load(url, bodies, {'x-telegram-bot-api-secret-token': SECRET})
  const replied = () => api.requests.filter((request) => request.method === 'sendMessage' && request.status === 200).length
  await waitUntil(() => replied() >= UPDATES, `only ${replied()} of ${UPDATES} replies reached the fake Bot API`)
  const repliedMs = performance.now() - started

  const perChat = new Map()
  for (const request of api.requests) if (request.method === 'sendMessage') perChat.set(request.params.chat_id, (perChat.get(request.params.chat_id) ?? 0) + 1)
  const evenlyReplied = [...perChat.values()].every((count) => count === UPDATES / CHATS) && perChat.size === CHATS
  const ok = statuses.get(200) ?? 0
  console.log(`webhook load: ${UPDATES} updates from ${CHATS} chats POSTed to webhook serve, ${IN_FLIGHT} in flight (node ${process.version})`)
  console.log(`  answered 200: ${ok} of ${UPDATES}${statuses.size > 1 ? ` (other statuses: ${JSON.stringify(Object.fromEntries(statuses))})` : ''}`)
  console.log(`  replies recorded by the fake Bot API: ${replied()} of ${UPDATES}${evenlyReplied ? `, ${UPDATES / CHATS} per chat` : ' (uneven across chats!)'}`)
  console.log(`  webhook answer latency: p50 ${ms(percentile(sorted, 50))}, p90 ${ms(percentile(sorted, 90))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1))}`)
  console.log(`  all POSTs answered in ${ms(postedMs)} (${Math.round(UPDATES / (postedMs / 1000))} updates/s); last reply sent ${ms(repliedMs)} after the first POST`)
  console.log(`  bare node:http server, same client: p50 ${ms(percentile(bare.sorted, 50))}, p99 ${ms(percentile(bare.sorted, 99))}, ${Math.round(UPDATES / (bare.totalMs / 1000))} updates/s`)
  console.log(`  serve / bare: p50 ${(percentile(sorted, 50) / percentile(bare.sorted, 50)).toFixed(2)}x, p99 ${(percentile(sorted, 99) / percentile(bare.sorted, 99)).toFixed(2)}x, throughput ${(bare.totalMs / postedMs).toFixed(2)}x`)
  failed = ok !== UPDATES || replied() !== UPDATES || !evenlyReplied
} catch (error) {
  console.error(String(error.message ?? error))
  failed = true
} finally {
  server.kill('SIGTERM')
  const code = await exited
  const stoppedLine = stdout.split('\n').find((line) => line.startsWith('stopped after'))
  console.log(`  serve stopped on SIGTERM: exit ${code}, "${stoppedLine ?? 'no stop line'}"`)
  if (code !== 0 || stoppedLine !== `stopped after ${UPDATES} updates`) failed = true
  if (stderr.trim() !== '') console.log(`  serve stderr:\n${stderr}`)
  await api.close()
  rmSync(home, {recursive: true, force: true})
}
if (failed) process.exitCode = 1
