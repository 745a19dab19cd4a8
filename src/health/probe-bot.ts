import type {ChatFullInfo, WebhookInfo} from '@grammyjs/types'

import type {BotApiClient} from '../api/index.js'
import {describeFailure} from '../describe-failure.js'
import {isoSeconds} from '../alert/render-alert.js'
import {type HealthItem, item} from './health-item.js'
import type {ProbeTarget} from './probe-targets.js'

/** Pending updates above this suggest that nothing consumes them. */
const PENDING_UPDATES_WARNING = 100

/**
 * The bot's token (getMe), each chat (getChat) and its webhook (getWebhookInfo). A refused token skips the rest:
 * every other call would fail the same way.
 */
export async function probeBot(target: ProbeTarget, openClient: (token: string) => BotApiClient): Promise<HealthItem[]> {
  const name = `bot ${target.label}`
  if (target.token === undefined) return [item(name, 'fail', `token unreadable: ${target.tokenProblem ?? 'unknown problem'}`)]
  const client = openClient(target.token)
  try {
    const me = await client.getMe()
    const items = [item(name, 'ok', `token valid: @${me.username} (id ${me.id})`)]
    const [chats, webhook] = await Promise.all([probeChats(target, client), probeWebhook(target, client)])
    return [...items, ...chats, webhook]
  } catch (error) {
    return [item(name, 'fail', describeFailure(error).message)]
  }
}

async function probeChats(target: ProbeTarget, client: BotApiClient): Promise<HealthItem[]> {
  if (target.chatIds.length === 0) return [item(`chats ${target.label}`, 'warn', 'no chat configured: its alerts have nowhere to go')]
  return Promise.all(
    target.chatIds.map(async (chatId) => {
      const name = `chat ${target.label} ${chatId}`
      try {
        return item(name, 'ok', describeChat(await client.getChat({chat_id: chatId})))
      } catch (error) {
        return item(name, 'fail', describeFailure(error).message)
      }
    }),
  )
}

function describeChat(chat: ChatFullInfo): string {
  const title = chat.title ?? ([chat.first_name, chat.last_name].filter(Boolean).join(' ') || chat.username || String(chat.id))
  return `${title} (${chat.type})`
}

async function probeWebhook(target: ProbeTarget, client: BotApiClient): Promise<HealthItem> {
  const name = `webhook ${target.label}`
  let info: WebhookInfo
  try {
    info = await client.getWebhookInfo()
  } catch (error) {
    return item(name, 'fail', describeFailure(error).message)
  }
  if (info.url === '') return item(name, 'ok', `not set: getUpdates works (${info.pending_update_count} pending)`)
  const state = `${info.url}, ${info.pending_update_count} pending`
  if (info.last_error_date !== undefined) {
    const when = isoSeconds(new Date(info.last_error_date * 1000))
    return item(name, 'warn', `${state}; last error ${when}: ${info.last_error_message ?? 'unknown'}`)
  }
  if (info.pending_update_count > PENDING_UPDATES_WARNING) return item(name, 'warn', `${state}: is the receiver running?`)
  return item(name, 'ok', state)
}
