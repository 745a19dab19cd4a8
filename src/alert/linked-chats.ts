import type {LinkedChat} from '../store/link-store.js'
import {describeFailure} from '../describe-failure.js'
import type {AlertTarget} from './alert-target.js'

/** Where the chats that linked themselves to a channel (`/link` in `webhook serve`) are found: the store's links. */
export interface LinkedChatsSource {
  chatsFor(channel: string, bot: string): Promise<LinkedChat[]>
}

export interface TargetChats {
  /** The configured chats, then the linked ones not among them. */
  chatIds: Array<number | string>
  /** How many chats are linked to the channel (some may be configured ones too). */
  linked: number
  /** One line when the linked chats could not be read: the alert still goes to the configured ones. */
  warnings: string[]
}

/**
 * The chats an alert (or digest) of `target` goes to. The linked ones are read from the store here, when it is about
 * to go out: never for an alert the throttle holds back. A store that cannot be read costs the linked chats (one
 * warning), not the alert.
 */
export async function targetChats(target: Pick<AlertTarget, 'chatIds' | 'linkedTo'>, links: LinkedChatsSource | undefined): Promise<TargetChats> {
  const chatIds = [...target.chatIds]
  if (target.linkedTo === undefined || links === undefined) return {chatIds, linked: 0, warnings: []}
  let linked: LinkedChat[]
  try {
    linked = await links.chatsFor(target.linkedTo.channel, target.linkedTo.bot)
  } catch (error) {
    return {chatIds, linked: 0, warnings: [`linked chats of ${target.linkedTo.channel} not added: ${describeFailure(error).message}`]}
  }
  for (const {chat_id: chatId} of linked) {
    if (!chatIds.some((known) => String(known) === String(chatId))) chatIds.push(chatId)
  }
  return {chatIds, linked: linked.length, warnings: []}
}
