// `node bench/broadcast-limiter.mjs`: one message to 300 chats on cold connections (the fake Bot API holds each new
// connection's first request 100 ms, as a TLS handshake to Telegram does) while the server enforces Telegram's
// 30 messages a second per bot and counts arrivals. Interleaved A/B runs:
//   A  the shared limiter, which counts each request from leaving until a second after its answer;
//   B  the same limits counted from when requests leave (how the limiter worked before): faster on paper, but
//      bursts bunch up at the server.
// Throughput is the server's: bound / (last arrival - first arrival), where the bound is (300 / 30 - 1) s.
// TypeScript sources are loaded through tsx, so no build is needed.
import {tsImport} from 'tsx/esm/api'

const load = (path) => tsImport(path, import.meta.url)
const [{startFakeBotApi}, {BotApiClient}, {TelegramRateLimiter}, {deliverToChats}] = await Promise.all([
  load('../test/fake-bot-api/server.ts'),
  load('../src/api/index.ts'),
  load('../src/rate-limit/telegram-limiter.ts'),
  load('../src/send/deliver.ts'),
])

const TOKEN = '7012345678:AAHbenchTokenForTheFakeApi_0123456789x'
const CHATS = Array.from({length: Number(process.env.BENCH_CHATS ?? 300)}, (_, index) => ({id: 1000 + index, type: 'private', first_name: `User ${index}`}))
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const BOUND_SECONDS = CHATS.length / 30 - 1

/** B: takes a slot and never reports the answer, with no allowance: windows counted from departure. */
function departureCountedLimiter() {
  const inner = new TelegramRateLimiter({unreportedSlotMs: 0})
  return {
    async run(chatId, send) {
      await inner.acquire(chatId)
      return send()
    },
  }
}

function maxInAnyWindow(times, windowMs) {
  const sorted = [...times].sort((a, b) => a - b)
  let most = 0
  for (let start = 0, end = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end] < sorted[start] + windowMs) end++
    most = Math.max(most, end - start)
  }
  return most
}

async function run(limiter) {
  const api = await startFakeBotApi({
    bots: [{token: TOKEN, id: 7012345678, username: 'bench_bot'}],
    chats: CHATS,
    limits: {perBotPerSecond: 30},
    coldConnectionDelayMs: 100,
  })
  try {
    const client = new BotApiClient({token: TOKEN, apiRoot: api.url, retry: {maxRateLimitRetries: 10}})
    await deliverToChats(client, CHATS.map((chat) => chat.id), {text: 'settlement delayed'}, {limiter})
    const accepted = api.requests.filter((request) => request.method === 'sendMessage' && request.status === 200)
    const times = accepted.map((request) => request.time)
    const spanSeconds = (Math.max(...times) - Math.min(...times)) / 1000
    const perChat = new Map()
    for (const request of accepted) perChat.set(request.params.chat_id, (perChat.get(request.params.chat_id) ?? 0) + 1)
    return {
      share: BOUND_SECONDS / spanSeconds,
      spanSeconds,
      maxPerSecond: maxInAnyWindow(api.requests.filter((request) => request.method === 'sendMessage').map((request) => request.time), 1000),
      refused: api.requests.filter((request) => request.status === 429).length,
      lost: CHATS.length - perChat.size,
      doubled: [...perChat.values()].filter((count) => count > 1).length,
    }
  } finally {
    await api.close()
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const results = {A: [], B: []}
console.log(`broadcast of one message to ${CHATS.length} chats, cold connections, ${ROUNDS} interleaved A/B rounds (node ${process.version})`)
for (let round = 0; round < ROUNDS; round++) {
  results.A.push(await run(new TelegramRateLimiter()))
  results.B.push(await run(departureCountedLimiter()))
}
for (const [label, name] of [['A', 'arrival-safe limiter (shipped)'], ['B', 'departure-counted (before)']]) {
  const runs = results[label]
  console.log(
    `${label} ${name}: throughput ${(median(runs.map((r) => r.share)) * 100).toFixed(1)}% of the bound ` +
      `(span ${median(runs.map((r) => r.spanSeconds)).toFixed(2)} s vs ${BOUND_SECONDS} s); ` +
      `most arrivals in one second ${Math.max(...runs.map((r) => r.maxPerSecond))} (limit 30); ` +
      `429 answers ${runs.map((r) => r.refused).join('/')}; lost ${runs.map((r) => r.lost).join('/')}; doubled ${runs.map((r) => r.doubled).join('/')}`,
  )
}
const ratio = median(results.A.map((r) => r.spanSeconds)) / median(results.B.map((r) => r.spanSeconds))
const a = results.A
const met = median(a.map((r) => r.share)) >= 0.9 && a.every((r) => r.maxPerSecond <= 30 && r.refused === 0 && r.lost === 0 && r.doubled === 0)
console.log(`A/B span ratio (median): ${ratio.toFixed(2)}x; target: A >= 90% of the bound, <= 30 per second, no 429, nothing lost or doubled: ${met ? 'met' : 'MISSED'}`)
if (!met) process.exitCode = 1
