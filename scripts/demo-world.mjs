// The fake Telegram that `npm run demo` and `npm run fake-api` start: one bot, a forum group and a private chat, and
// the updates getUpdates returns after someone wrote to the bot in both (so that `discover` finds them).
import {startFakeBotApi} from '../dist/fake-bot-api.js'

export const DEMO_TOKEN = '7012345678:AAHdemoTokenForTheFakeApi_0123456789xy'
export const DEMO_BOT = {token: DEMO_TOKEN, id: 7012345678, username: 'fastpay_ops_bot', first_name: 'FastPay Ops'}
export const OPS_GROUP = -1001234567890
export const ON_CALL = 4242

/** Starts it on 127.0.0.1 (`port` 0: a free port). */
export async function startDemoApi({port = 0} = {}) {
  const api = await startFakeBotApi({
    port,
    bots: [DEMO_BOT],
    chats: [
      {id: OPS_GROUP, type: 'supergroup', title: 'FastPay Ops', is_forum: true},
      {id: ON_CALL, type: 'private', first_name: 'Ana', last_name: 'Oncall', username: 'ana_oncall'},
    ],
  })
  const ana = {id: ON_CALL, is_bot: false, first_name: 'Ana', username: 'ana_oncall'}
  const date = Math.floor(Date.now() / 1000)
  const forum = {id: OPS_GROUP, type: 'supergroup', title: 'FastPay Ops', is_forum: true}
  api.pushUpdate(
    {
      message: {
        message_id: 1,
        date,
        from: ana,
        chat: forum,
        message_thread_id: 7,
        is_topic_message: true,
        forum_topic_created: {name: 'Deploys', icon_color: 7322096},
      },
    },
    DEMO_TOKEN,
  )
  const privateChat = {id: ON_CALL, type: 'private', first_name: 'Ana', last_name: 'Oncall', username: 'ana_oncall'}
  api.pushUpdate({message: {message_id: 2, date, from: ana, chat: privateChat, text: '/start'}}, DEMO_TOKEN)
  return api
}

/** One line for a request the fake received: what a chat would have got. */
export function describeRequest(request) {
  const what = request.params.text ?? request.params.caption ?? ''
  const chat = request.params.chat_id === undefined ? '' : ` → chat ${request.params.chat_id}`
  return `${request.method}${chat}${what === '' ? '' : `: ${String(what).slice(0, 60)}`}`
}
