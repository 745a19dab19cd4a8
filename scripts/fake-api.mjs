// `npm run fake-api [-- --port N]`: the fake Telegram Bot API of `npm run demo`, kept running on 127.0.0.1 so that
// any command of the README can be tried by hand, with no bot and no internet. Prints the lines that point the CLI
// at it, then one line per request it receives. Ctrl-C stops it.
import {parseArgs} from 'node:util'

import {DEMO_BOT, DEMO_TOKEN, describeRequest, ON_CALL, OPS_GROUP, startDemoApi} from './demo-world.mjs'

let port
try {
  const {values} = parseArgs({options: {port: {type: 'string'}}})
  port = values.port === undefined ? 0 : Number(values.port)
  if (!/^\d{1,5}$/.test(values.port ?? '0') || port > 65535) throw new Error(`--port ${values.port}: expected 0-65535`)
} catch (error) {
  console.error(error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? `${error.message}: the only option is --port N` : error.message)
  process.exit(2)
}
const api = await startDemoApi({port}).catch((error) => {
  console.error(`--port ${port}: ${error.code === 'EADDRINUSE' ? 'already in use' : error.message}`)
  process.exit(2)
})

let shown = 0
const showNew = () => {
  for (; shown < api.requests.length; shown++) console.log(`  ${describeRequest(api.requests[shown])}`)
}
let timer
const stop = async () => {
  clearInterval(timer)
  showNew()
  await api.close()
  process.exit(0)
}
// Listening before the first line: a Ctrl-C (or a script's kill) right after it would otherwise end the process by
// the signal's default action, before these handlers were there.
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

console.log(`Fake Telegram Bot API on ${api.url} (Ctrl-C stops it). In another shell:

  export TELEGRAM_API_BASE_URL=${api.url}
  export TELEGRAM_BOT_TOKEN=${DEMO_TOKEN}   # @${DEMO_BOT.username}, a fake bot
  export TELEGRAM_CHAT_IDS=${ON_CALL}        # Ana's private chat; ${OPS_GROUP} is the "FastPay Ops" forum (topic 7)
  node bin/run.js send "hello"              # or fastpay-tg, after npm link

Requests as they arrive:`)

timer = setInterval(showNew, 100)
