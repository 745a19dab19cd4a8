// `npm run demo`: the main job with no bot and no internet. Starts the fake Bot API on loopback and runs the real
// CLI against it, printing what a user would see. A real token works the same way without TELEGRAM_API_BASE_URL.
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {startFakeBotApi} from '../dist/fake-bot-api.js'

const TOKEN = '7012345678:AAHdemoTokenForTheFakeApi_0123456789xy'
const OPS_GROUP = -1001234567890
const ON_CALL = 4242

const api = await startFakeBotApi({
  bots: [{token: TOKEN, id: 7012345678, username: 'fastpay_ops_bot', first_name: 'FastPay Ops'}],
  chats: [
    {id: OPS_GROUP, type: 'supergroup', title: 'FastPay Ops', is_forum: true},
    {id: ON_CALL, type: 'private', first_name: 'Ana', last_name: 'Oncall', username: 'ana_oncall'},
  ],
})
// What getUpdates returns after someone wrote to the bot in a forum topic and in a private chat.
const ana = {id: ON_CALL, is_bot: false, first_name: 'Ana', username: 'ana_oncall'}
const date = Math.floor(Date.now() / 1000)
api.pushUpdate({message: {message_id: 1, date, from: ana, chat: {id: OPS_GROUP, type: 'supergroup', title: 'FastPay Ops', is_forum: true}, message_thread_id: 7, is_topic_message: true, forum_topic_created: {name: 'Deploys', icon_color: 7322096}}}, TOKEN)
api.pushUpdate({message: {message_id: 2, date, from: ana, chat: {id: ON_CALL, type: 'private', first_name: 'Ana', last_name: 'Oncall', username: 'ana_oncall'}, text: '/start'}}, TOKEN)

const home = mkdtempSync(join(tmpdir(), 'fastpay-tg-demo-'))
const env = {
  PATH: process.env.PATH,
  HOME: home,
  XDG_CONFIG_HOME: join(home, 'config'),
  XDG_STATE_HOME: join(home, 'state'),
  TELEGRAM_API_BASE_URL: api.url,
  DEMO_TOKEN: TOKEN,
}

function fastpayTg(args, input) {
  process.stdout.write(`\n$ fastpay-tg ${args.map((arg) => (/\s|'/.test(arg) ? JSON.stringify(arg) : arg)).join(' ')}\n`)
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
  console.log(`Fake Telegram Bot API listening on ${api.url} (TELEGRAM_API_BASE_URL); registry in ${env.XDG_CONFIG_HOME}`)
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
  for (const request of sent) {
    const what = request.params.text ?? request.params.caption ?? ''
    console.log(`  ${request.method} → chat ${request.params.chat_id}: ${String(what).slice(0, 60)}`)
  }
} finally {
  await api.close()
  rmSync(home, {recursive: true, force: true})
}
process.exitCode = failures === 0 ? 0 : 1
