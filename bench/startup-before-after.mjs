// Start-up before and after a change: this checkout's built CLI (A) against the one built from a git ref (B,
// BASE_REF, default main), interleaved with bench/ab.mjs, for `--version`, `send --help` and an alert the throttle
// holds back (each side's own state dir, its window opened by one unmeasured alert to a fake Bot API; a held-back
// alert touches no network). The ref is built in a temporary folder (bench/ref-checkout.mjs).
// Usage: npm run build && BASE_REF=<commit> node bench/startup-before-after.mjs
import {join} from 'node:path'

import {startFakeBotApi} from '../dist/fake-bot-api.js'
import {compare} from './ab.mjs'
import {measureProcess} from './measure.mjs'
import {buildRefCheckout, removeRefCheckout} from './ref-checkout.mjs'

const baseRef = process.env.BASE_REF ?? 'main'
const runs = Number(process.env.BENCH_RUNS ?? 10)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
// No verdict target: a ratio near 1.00 is the finding; MISSED against 1.05 would flag a slower start.
const target = Number(process.env.BENCH_TARGET ?? 1.05)

const baseDir = buildRefCheckout(baseRef, 'fastpay-tg-base-')
try {
  const env = {...process.env, HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent'}
  for (const key of Object.keys(env)) if (/^(TELEGRAM_|FASTPAY_TG_)/.test(key)) delete env[key]
  const node = process.execPath
  const side = (root, args) => ({command: node, args: [join(root, 'bin/run.js'), ...args]})
  console.log(`start-up, this checkout (A) vs ${baseRef} (B): ${rounds} rounds of ${runs} interleaved pairs, node ${process.version}`)
  const token = '7012345678:AAHbenchTokenForTheFakeApi_0123456789x'
  const api = await startFakeBotApi({bots: [{token, id: 7012345678, username: 'bench_bot'}], chats: [{id: 4242, type: 'private', first_name: 'Bench'}]})
  try {
    const alertEnv = {...env, TELEGRAM_API_BASE_URL: api.url}
    const held = (stateDir) => ['alert', 'held back', '--token', token, '--chat', '4242', '--throttle-seconds', '86400', '--state-dir', stateDir]
    const lines = [
      {label: '--version', a: ['--version'], b: ['--version'], env},
      {label: 'send --help', a: ['send', '--help'], b: ['send', '--help'], env},
      {label: 'alert (held back by the throttle)', a: held(join(baseDir, 'state-a')), b: held(join(baseDir, 'state-b')), env: alertEnv},
    ]
    for (const line of lines) {
      const [a, b] = [side(process.cwd(), line.a), side(baseDir, line.b)]
      // The alert's first run opens its window (and sends); the measured ones are held back.
      if (line.a[0] === 'alert') for (const first of [a, b]) await measureProcess(first.command, first.args, {env: line.env})
      await compare({label: `fastpay-tg ${line.label}`, aLabel: 'this checkout', bLabel: baseRef, a, b, env: line.env, runs, rounds, target})
    }
  } finally {
    await api.close()
  }
} finally {
  removeRefCheckout(baseDir)
}
