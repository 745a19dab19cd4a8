// `npm run demo`: the main job with no bot and no internet. Starts the fake Bot API on loopback and runs the real
// CLI against it, printing what a user would see. A real token works the same way without TELEGRAM_API_BASE_URL.
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {DEMO_TOKEN, describeRequest, ON_CALL, OPS_GROUP, startDemoApi} from './demo-world.mjs'

const api = await startDemoApi()

const home = mkdtempSync(join(tmpdir(), 'fastpay-tg-demo-'))
const env = {
  PATH: process.env.PATH,
  HOME: home,
  XDG_CONFIG_HOME: join(home, '.config'),
  XDG_STATE_HOME: join(home, '.local', 'state'),
  TELEGRAM_API_BASE_URL: api.url,
  DEMO_TOKEN,
}

/** As a shell would need it typed: `'${DEMO_TOKEN}'` stays a reference for the registry, not the token itself. */
const shellWord = (arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`)

function fastpayTg(args, input) {
  process.stdout.write(`\n$ fastpay-tg ${args.map(shellWord).join(' ')}\n`)
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/run.js', ...args], {env, stdio: ['pipe', 'inherit', 'inherit']})
    child.on('close', (code) => {
      if (code !== 0) process.stdout.write(`(exit code ${code})\n`)
      resolve(code)
    })
    child.stdin.end(input ?? '')
  })
}

let failures = 0
const step = async (args, input) => {
  if ((await fastpayTg(args, input)) !== 0) failures++
}

try {
  console.log(`Fake Telegram Bot API listening on ${api.url} (TELEGRAM_API_BASE_URL), and a HOME of its own (~ below),`)
  console.log('removed at the end. `npm run fake-api` keeps such a fake running for trying commands by hand.')
  await step(['bots', 'add', 'alerts', '--token', '${DEMO_TOKEN}', '--chat', String(OPS_GROUP), '--thread', '7'])
  await step(['bots', 'validate', 'alerts'])
  await step(['discover', '--bot', 'alerts'])
  await step(['send', '--bot', 'alerts', '<b>Deploy finished</b> ✅ api v1.4.2 is live', '--parse-mode', 'html', '--button', 'Dashboard=https://grafana.example.com'])
  await step(['send', '--bot', 'alerts', '--chat', String(ON_CALL), '--chat', String(OPS_GROUP), '--silent', 'nightly backup ok'])
  await step(['send', '--bot', 'alerts', '--document', '-', '--caption', 'db dump report'], 'table,rows\nusers,1204\npayments,88311\n')
  await step(['alert', 'Disk almost full', '--bot', 'alerts', '--severity', 'warning', '--field', 'host=db1', '--field', 'used=93%'])
  await step(['alert', 'Disk almost full', '--bot', 'alerts', '--severity', 'warning', '--field', 'host=db1', '--field', 'used=94%'])
  await step(['bots', 'list'])
  await step(['config', 'show', '--bot', 'alerts'])
  const sent = api.requests.filter((request) => request.method.startsWith('send'))
  console.log(`\nThe fake Bot API received ${api.requests.length} requests, ${sent.length} of them sends:`)
  for (const request of sent) console.log(`  ${describeRequest(request)}`)
} finally {
  await api.close()
  rmSync(home, {recursive: true, force: true})
}
process.exitCode = failures === 0 ? 0 : 1
