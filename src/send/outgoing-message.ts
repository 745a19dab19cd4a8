import type {InlineKeyboardMarkup} from '@grammyjs/types'

import type {InputFileSource} from '../api/index.js'
import type {ParseMode} from '../format/index.js'

/** What to send, independent of where: every door builds one of these and hands it to `deliverToChats`. */
export interface OutgoingMessage {
  /** Message text, or the caption (and its overflow) when `media` is given. */
  text?: string
  parseMode?: ParseMode
  media?: {kind: 'photo' | 'document'; source: InputFileSource}
  replyMarkup?: InlineKeyboardMarkup
  /** Sends without sound (`disable_notification`). @default false */
  silent?: boolean
  /** Forbids forwarding and saving (`protect_content`). @default false */
  protect?: boolean
  /** Sends `link_preview_options: {is_disabled: true}`. @default false */
  noPreview?: boolean
  /**
   * When Telegram refuses the markup ("can't parse entities"), send the same words as plain text instead of failing:
   * for alerts, whose markup is filled from values nobody checked. @default false
   */
  plainFallback?: boolean
  /** Forum topic (`message_thread_id`). */
  threadId?: number
  /**
   * How many of the messages Telegram takes this as (the file with its caption, then the texts) the chats already
   * have: an outbox entry cut off half-way sends only the rest. @default 0
   */
  skipParts?: number
}
