import {redact} from '../redact.js'
import type {OutboxStore} from '../store/types.js'
import type {AlertTarget} from './alert-target.js'
import {type LinkedChatsSource, targetChats} from './linked-chats.js'
import {type AlertContent, renderAlert} from './render-alert.js'
import type {AlertThrottleSettings} from './send-alert.js'
import {type AlertTemplate, renderTemplate} from './template.js'

export interface DryRunOptions {
  /** No client needed: nothing is sent. */
  target: Pick<AlertTarget, 'botLabel' | 'chatIds' | 'linkedTo' | 'sources' | 'threadId'>
  content: AlertContent
  template?: AlertTemplate
  /** Read, never written. @default no throttling */
  throttle?: AlertThrottleSettings
  /** Read, never flushed. @default the outbox is not looked at */
  outbox?: OutboxStore
  /** The chats linked to the channel, read (a real run reads them only when the alert goes out). @default none */
  links?: LinkedChatsSource
  /** @default Date.now() */
  now?: number
}

export interface AlertDryRun {
  /** The message as it would be sent (parse mode HTML). */
  text: string
  bot: string
  chatIds: Array<number | string>
  threadId?: number
  /** Where the bot and chats came from. */
  sources?: {bot: string; chats: string}
  /** What the throttle would decide now. */
  throttle?: {key: string; windowSeconds: number; wouldSend: boolean; suppressedCount?: number; nextAt?: Date}
  /** Alerts of this bot waiting in the outbox, which a real run would deliver first. */
  outboxWaiting?: number
  warnings: string[]
}

/** `--dry-run`: renders the alert and tells where it would go and what the throttle would say, sending nothing. */
export async function dryRunAlert(options: DryRunOptions): Promise<AlertDryRun> {
  const {target, throttle, outbox} = options
  const now = options.now ?? Date.now()
  const warnings: string[] = []
  const decision = throttle ? await throttle.store.peek(throttle.key, throttle.windowSeconds, now) : undefined
  warnings.push(...(decision?.warnings ?? []))
  const content: AlertContent = {
    ...options.content,
    time: options.content.time === undefined ? new Date(now) : options.content.time,
    ...(decision?.send && decision.suppressed ? {suppressed: decision.suppressed} : {}),
  }
  const text = redact(options.template ? renderTemplate(options.template, content) : renderAlert(content))
  const listing = outbox ? await outbox.list({bot: target.botLabel}) : undefined
  warnings.push(...(listing?.warnings ?? []))
  const chats = await targetChats(target, options.links)
  warnings.push(...chats.warnings)
  const sources = target.sources && (chats.linked > 0 ? {...target.sources, chats: `${target.sources.chats} + ${chats.linked} linked`} : target.sources)
  return {
    text,
    bot: target.botLabel,
    chatIds: chats.chatIds,
    ...(target.threadId === undefined ? {} : {threadId: target.threadId}),
    ...(sources ? {sources} : {}),
    ...(throttle && decision
      ? {
          throttle: {
            key: throttle.key,
            windowSeconds: throttle.windowSeconds,
            wouldSend: decision.send,
            ...(decision.send ? {} : {suppressedCount: decision.suppressedCount, nextAt: decision.nextAt}),
          },
        }
      : {}),
    ...(listing ? {outboxWaiting: listing.items.length} : {}),
    warnings,
  }
}
