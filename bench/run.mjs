// `npm run bench`: start-up and send cost of the CLI, as ratios against the cheapest possible equivalent, measured
// in one run on this machine. Each figure is the median of repeated whole-process runs.
import {startFakeBotApi} from '../dist/fake-bot-api.js'
import {medianMs, ratioLine} from './measure.mjs'

const TOKEN = '7012345678:AAHbenchTokenForTheFakeApi_0123456789x'
const CHAT = 4242
const runs = Number(process.env.BENCH_RUNS ?? 20)

const api = await startFakeBotApi({
  bots: [{token: TOKEN, id: 7012345678, username: 'bench_bot'}],
  chats: [{id: CHAT, type: 'private', first_name: 'Bench'}],
})
// The user's own environment (it sets start-up costs such as NODE_EXTRA_CA_CERTS), minus any bot config.
const env = {...process.env, HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent', TELEGRAM_API_BASE_URL: api.url}
for (const key of Object.keys(env)) if (/^(TELEGRAM_BOT_|TELEGRAM_CHAT_|FASTPAY_TG_)/.test(key)) delete env[key]
const node = process.execPath

try {
  console.log(`fastpay-tg benchmarks (median of ${runs} runs each, node ${process.version})`)
  const nodeBare = await medianMs(node, ['-e', '0'], {runs, env})
  const version = await medianMs(node, ['bin/run.js', '--version'], {runs, env})
  console.log(ratioLine('cold start: fastpay-tg --version vs node -e 0', version, nodeBare, 2))

  const bareSend = await medianMs(node, ['bench/bare-send.mjs', api.url, TOKEN, String(CHAT), 'bench'], {runs, env})
  const cliSend = await medianMs(node, ['bin/run.js', 'send', '--token', TOKEN, '--chat', String(CHAT), 'bench'], {runs, env})
  console.log(ratioLine('send: fastpay-tg send vs a bare fetch script', cliSend, bareSend, 1.5))

  const sends = api.requests.filter((request) => request.method === 'sendMessage' && request.status === 200).length
  const expected = 2 * (runs + 3)
  console.log(`messages accepted by the fake Bot API: ${sends} of ${expected}`)
  if (sends !== expected) process.exitCode = 1
} finally {
  await api.close()
}
