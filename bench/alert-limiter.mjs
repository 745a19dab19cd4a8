// `node bench/alert-limiter.mjs`: 10 alerts broadcast at once to 30 chats (300 messages) through the shared rate
// limiter, against the fake Bot API enforcing Telegram's limits (1 message/s per chat, 20/min per group, 30/s per
// bot). Prints the elapsed time against the limits' theoretical bound, and checks that nothing was lost or doubled.
// TypeScript sources are loaded through tsx, so no build is needed.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {tsImport} from 'tsx/esm/api'

const load = (path) => tsImport(path, import.meta.url)
const [{startFakeBotApi}, {BotApiClient}, {TelegramRateLimiter}, {sendAlert}, {FileOutbox}, {deliverToChats}] = await Promise.all([
  load('../test/fake-bot-api/server.ts'),
  load('../src/api/index.ts'),
  load('../src/rate-limit/telegram-limiter.ts'),
  load('../src/alert/send-alert.ts'),
  load('../src/store/file/file-outbox.ts'),
  load('../src/send/deliver.ts'),
])

const TOKEN = '7012345678:AAHbenchTokenForTheFakeApi_0123456789x'
const ALERTS = 10
// 20 private chats and 10 groups: groups also count against the 20/min group limit.
const CHATS = [
  ...Array.from({length: 20}, (_, index) => ({id: 1000 + index, type: 'private', first_name: `User ${index}`})),
  ...Array.from({length: 10}, (_, index) => ({id: -2000 - index, type: 'group', title: `Group ${index}`})),
]
const LIMITS = {perChatPerSecond: 1, perGroupPerMinute: 20, perBotPerSecond: 30}

/**
 * The earliest the last message can go: each chat takes ALERTS messages at 1/s, the bot 300 at 30/s, and no group
 * gets more than 20 in a minute. Counted from the first send to the last, in seconds.
 */
function theoreticalBoundSeconds() {
  const perChat = (ALERTS - 1) / LIMITS.perChatPerSecond
  const perBot = Math.ceil((ALERTS * CHATS.length) / LIMITS.perBotPerSecond) - 1
  const perGroup = ALERTS <= LIMITS.perGroupPerMinute ? 0 : Math.ceil(ALERTS / LIMITS.perGroupPerMinute - 1) * 60
  return Math.max(perChat, perBot, perGroup)
}

async function run(label, limits, {together = false, warm = true} = {}) {
  const api = await startFakeBotApi({bots: [{token: TOKEN, id: 7012345678, username: 'bench_bot'}], chats: CHATS, limits: LIMITS})
  const stateDir = mkdtempSync(join(tmpdir(), 'fastpay-tg-bench-'))
  try {
    const client = new BotApiClient({token: TOKEN, apiRoot: api.url})
    const limiter = new TelegramRateLimiter(limits)
    const outbox = new FileOutbox({dir: join(stateDir, 'outbox')})
    const target = {client, botLabel: 'bench', chatIds: CHATS.map((chat) => chat.id)}
    const alert = (index) =>
      sendAlert({target, content: {title: `alert ${index}`, severity: 'info', channel: 'bench', host: null, time: null}, outbox, limiter})
    // Opens the connections first: 30 new sockets at once spread the first round's arrival times by ~100 ms, and
    // the server, which counts arrivals, then refuses part of the second round (measured without it below).
    if (warm) await Promise.all(CHATS.map(() => client.getMe()))
    const started = performance.now()
    const results = []
    if (together) results.push(...(await Promise.all(Array.from({length: ALERTS}, (_, index) => alert(index)))))
    else for (let index = 0; index < ALERTS; index++) results.push(await alert(index))
    const elapsedSeconds = (performance.now() - started) / 1000
    // Whatever was spooled is delivered now, so that "lost" means lost, not "late".
    const flushed = await outbox.flush((entry) => deliverToChats(client, entry.chatIds, entry.message, {limiter}))

    let lost = 0
    let duplicated = 0
    for (const chat of CHATS) {
      const texts = api.messages(chat.id).map((message) => message.text)
      duplicated += texts.length - new Set(texts).size
      lost += ALERTS - new Set(texts).size
    }
    const refused429 = api.requests.filter((request) => request.status === 429).length
    const spooled = results.filter((result) => result.status === 'spooled').length
    const bound = theoreticalBoundSeconds()
    const ratio = bound / elapsedSeconds
    const verdict = ratio >= 0.9 && lost === 0 && duplicated === 0 ? 'met' : 'MISSED'
    console.log(
      `${label}: ${ALERTS * CHATS.length} messages to ${CHATS.length} chats in ${elapsedSeconds.toFixed(2)} s; ` +
        `bound ${bound.toFixed(2)} s; bound/elapsed = ${(ratio * 100).toFixed(1)}% (target >= 90%: ${verdict}); ` +
        `lost ${lost}, duplicated ${duplicated}; 429 answers ${refused429}, alerts spooled ${spooled}, ` +
        `delivered by the final flush ${flushed.entries.length}`,
    )
    return verdict === 'met'
  } finally {
    await api.close()
    rmSync(stateDir, {recursive: true, force: true})
  }
}

console.log(`alert broadcast through the shared limiter (node ${process.version})`)
// The limiter counts each message until a window after its answer, so no slack is needed for arrival spread.
const ONE_PER_SECOND = {perChatBurst: 1, chatBurstWindowMs: 1000}
const headline = await run('one alert after another, limiter at 1 message/s per chat', ONE_PER_SECOND)
if (!process.env.BENCH_QUICK) {
  await run('same, cold connections', ONE_PER_SECOND, {warm: false})
  await run('same, limiter defaults (bursts of 3 per 3 s per chat)', {})
  await run('10 alerts at once, limiter at 1 message/s per chat', ONE_PER_SECOND, {together: true})
}
if (!headline) process.exitCode = 1
