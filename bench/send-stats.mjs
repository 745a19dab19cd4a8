// `node bench/send-stats.mjs` (after `npm run build`): what usage stats cost a send. A is `fastpay-tg send` with
// stats on (the default: one line appended to <state dir>/bot-usage.jsonl at exit, no fsync), B the same send with
// FASTPAY_TG_STATS=off; both through `env` so that each side starts the same way, interleaved A B A B by
// bench/ab.mjs against the fake Bot API. Target: the median wall ratio <= 1.05x. Afterwards the stats file must
// count exactly the A sends, and B none. BENCH_RUNS and BENCH_ROUNDS change the figures.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {startFakeBotApi} from '../dist/fake-bot-api.js'
import {compare} from './ab.mjs'

const TOKEN = '7012345678:AAHbenchTokenForTheFakeApi_0123456789x'
const CHAT = 4242
const runs = Number(process.env.BENCH_RUNS ?? 15)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const warmup = 1

const home = mkdtempSync(join(tmpdir(), 'fastpay-tg-bench-stats-'))
const stateDir = join(home, 'state')
const api = await startFakeBotApi({bots: [{token: TOKEN, id: 7012345678, username: 'bench_bot'}], chats: [{id: CHAT, type: 'private', first_name: 'Bench'}]})
try {
  const env = {...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), TELEGRAM_API_BASE_URL: api.url}
  for (const key of Object.keys(env)) if (/^(TELEGRAM_BOT_|TELEGRAM_CHAT_|FASTPAY_TG_)/.test(key)) delete env[key]
  env.FASTPAY_TG_STATE_DIR = stateDir
  const send = (stats) => ({command: 'env', args: [`FASTPAY_TG_STATS=${stats}`, process.execPath, 'bin/run.js', 'send', '--token', TOKEN, '--chat', String(CHAT), 'bench']})
  await compare({
    label: 'send with usage stats',
    aLabel: '`fastpay-tg send` counting its message',
    bLabel: 'the same send with FASTPAY_TG_STATS=off',
    a: send('on'),
    b: send('off'),
    target: 1.05,
    env,
    runs,
    rounds,
    warmup,
  })
  // The sum of `sent` over the file's lines, as bots stats merges them.
  const lines = readFileSync(join(stateDir, 'bot-usage.jsonl'), 'utf8').split('\n').filter(Boolean)
  const counted = lines.reduce((sum, line) => sum + JSON.parse(line).sent, 0)
  const expected = warmup + rounds * runs
  console.log(`messages counted in the stats file: ${counted} of ${expected} (stats-on sends only)`)
  if (counted !== expected) process.exitCode = 1
} finally {
  await api.close()
  rmSync(home, {recursive: true, force: true})
}
