// The fake Telegram that `npm run demo` and `npm run fake-api` start: one bot, a forum group and a private chat, and
// the updates getUpdates returns after someone wrote to the bot in both (so that `discover` finds them).
import {startFakeBotApi} from '../dist/fake-bot-api.js'

export const DEMO_TOKEN = '7012345678:AAHdemoTokenForTheFakeApi_0123456789xy'
export const DEMO_BOT = {token: DEMO_TOKEN, id: 7012345678, username: 'fastpay_ops_bot', first_name: 'FastPay Ops'}
export const OPS_GROUP = -1001234567890
export const ON_CALL = 4242

const FORUM = {id: OPS_GROUP, type: 'supergroup', title: 'FastPay Ops', is_forum: true}
const ANA_CHAT = {id: ON_CALL, type: 'private', first_name: 'Ana', last_name: 'Oncall', username: 'ana_oncall'}
const ANA = {id: ON_CALL, is_bot: false, first_name: 'Ana', username: 'ana_oncall'}

/** Starts it on 127.0.0.1 (`port` 0: a free port). */
export async function startDemoApi({port = 0} = {}) {
  const api = await startFakeBotApi({port, bots: [DEMO_BOT], chats: [FORUM, ANA_CHAT]})
  const date = Math.floor(Date.now() / 1000)
  const topic = {message_thread_id: 7, is_topic_message: true, forum_topic_created: {name: 'Deploys', icon_color: 7322096}}
  api.pushUpdate({message: {message_id: 1, date, from: ANA, chat: FORUM, ...topic}}, DEMO_TOKEN)
  api.pushUpdate({message: {message_id: 2, date, from: ANA, chat: ANA_CHAT, text: '/start'}}, DEMO_TOKEN)
  return api
}

/** One line for a request the fake received, what a chat would have got; a text's further lines indented below it. */
export function describeRequest(request) {
  const what = request.params.text ?? request.params.caption ?? ''
  const chat = request.params.chat_id === undefined ? '' : ` → chat ${request.params.chat_id}`
  return `${request.method}${chat}${what === '' ? '' : `: ${String(what).slice(0, 60)}`}`.replaceAll('\n', '\n    ')
}
