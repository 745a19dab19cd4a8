// `npm run bench`: start-up and send cost of the CLI, as ratios against the cheapest possible equivalent, measured
// on this machine with bench/ab.mjs: A and B interleaved, BENCH_ROUNDS rounds (default 3) of BENCH_RUNS pairs
// (default 10) each; a verdict only when three consecutive rounds agree.
import {startFakeBotApi} from '../dist/fake-bot-api.js'
import {compare} from './ab.mjs'

const TOKEN = '7012345678:AAHbenchTokenForTheFakeApi_0123456789x'
const CHAT = 4242
const runs = Number(process.env.BENCH_RUNS ?? 10)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const warmup = 1

const api = await startFakeBotApi({
  bots: [{token: TOKEN, id: 7012345678, username: 'bench_bot'}],
  chats: [{id: CHAT, type: 'private', first_name: 'Bench'}],
})
// The user's own environment (it sets start-up costs such as NODE_EXTRA_CA_CERTS), minus any bot config.
const env = {...process.env, HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent', TELEGRAM_API_BASE_URL: api.url}
for (const key of Object.keys(env)) if (/^(TELEGRAM_BOT_|TELEGRAM_CHAT_|FASTPAY_TG_)/.test(key)) delete env[key]
const node = process.execPath
const options = {env, runs, rounds, warmup}

try {
  console.log(`fastpay-tg benchmarks (${rounds} rounds of ${runs} interleaved A/B pairs each, node ${process.version})`)
  await compare({
    ...options,
    label: 'cold start',
    aLabel: 'fastpay-tg --version',
    bLabel: 'node -e 0',
    a: {command: node, args: ['bin/run.js', '--version']},
    b: {command: node, args: ['-e', '0']},
    target: 2,
  })

  await compare({
    ...options,
    label: 'send',
    aLabel: 'fastpay-tg send',
    bLabel: 'a bare fetch script',
    a: {command: node, args: ['bin/run.js', 'send', '--token', TOKEN, '--chat', String(CHAT), 'bench']},
    b: {command: node, args: ['bench/bare-send.mjs', api.url, TOKEN, String(CHAT), 'bench']},
    target: 1.5,
  })

  const sends = api.requests.filter((request) => request.method === 'sendMessage' && request.status === 200).length
  const expected = 2 * (warmup + rounds * runs)
  console.log(`messages accepted by the fake Bot API: ${sends} of ${expected}`)
  if (sends !== expected) process.exitCode = 1
} finally {
  await api.close()
}
