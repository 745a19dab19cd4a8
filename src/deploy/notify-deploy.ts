import {readFile} from 'node:fs/promises'

import {openBot, persistMigrations} from '../bot-session.js'
import {type BotRequest, type ChatId, type Env, type ResolvedBot, sameChatId} from '../config/index.js'
import {ExitCode, type ExitCodeValue} from '../exit-codes.js'
import type {ParseMode} from '../format/index.js'
import {redact} from '../redact.js'
import {TelegramRateLimiter} from '../rate-limit/telegram-limiter.js'
import {UserError} from '../user-error.js'
import type {DeployContext} from './context.js'
import type {DeployOptions, NoticeText} from './deploy-options.js'
import {type DeployState, deployStateDir, deployStateKey, DeployStateStore} from './deploy-state.js'
import type {MessageRef} from './message-ids.js'
import {type NoticeFacts, noticeValues, renderDefaultNotice} from './notice-values.js'
import {type ChatNotice, publishNotice} from './publish-notice.js'
import type {DeployStatus} from './status.js'
import {renderTemplate} from './template.js'
import {type NoticeThrottle, throttleNotice} from './throttle-notice.js'

export interface DeployNoticeRequest {
  options: DeployOptions
  /** The door's bot selection: `token`, `bot`, `defaultBot` (the channel, `deploy`), `configPath`. */
  bot: Pick<BotRequest, 'bot' | 'token' | 'configPath' | 'defaultBot'>
  context: DeployContext
  /** How the door names the chats setting in messages (`input chat-ids`, `--chat`). */
  chatsLabel: string
  /** @default process.env */
  env?: Env
  /** Told the resolved token before any request uses it: the Action masks it in the log. */
  onToken?: (token: string) => void
  /** Redacted request traces. */
  debug?: (line: string) => void
  /** Per request. @default 30000 */
  timeoutMs?: number
  /** @default Date.now */
  now?: () => number
  /** Where the run's state files live. @default deployStateDir(env) */
  stateDir?: string
}

export interface DeployNoticeResult {
  status: DeployStatus
  environment?: string
  /** The bot's name, or the layer it came from (`env TELEGRAM_BOT_TOKEN`); never the token. */
  bot: string
  /** The text sent; absent when the throttle held the notice back. */
  text?: string
  parseMode?: ParseMode
  chats: ChatNotice[]
  /** Where the notice is now, one message per chat that has it: the `message-ids` output. */
  messages: MessageRef[]
  durationMs?: number
  /** Set when the throttle held the notice back. */
  suppressed?: {count: number; nextAt: Date}
  warnings: string[]
  /** 0 when every chat has the notice; else 3 when Telegram was unreachable for a chat, else 1. */
  exitCode: ExitCodeValue
}

/**
 * Sends or updates a deploy notice: resolves the bot, finds the run's earlier message (given ids, else the state
 * file), renders the text, edits the message in place (a new one when that fails), and records the state for the
 * next step.
 */
export async function notifyDeploy(request: DeployNoticeRequest): Promise<DeployNoticeResult> {
  const {options, context} = request
  const env = request.env ?? process.env
  const now = request.now ?? Date.now
  const warnings: string[] = []
  const environment = options.environment ?? context.environment
  const source = await loadText(options.text)

  const chats = options.chats.length > 0 ? options.chats : undefined
  const session = await openBot(
    {...request.bot, chats, thread: options.threadId},
    {env, debug: request.debug, timeoutMs: request.timeoutMs},
  )
  request.onToken?.(session.resolved.token.value)
  warnings.push(...session.resolved.warnings)
  const bot = session.resolved.name ?? session.resolved.token.source

  const stateKey = deployStateKey(context.repository, context.runId, environment)
  const store = new DeployStateStore(request.stateDir ?? deployStateDir(env), now)
  const state = stateKey ? await store.read(stateKey, warnings) : undefined
  const refs = options.messageRefs.length > 0 ? options.messageRefs : options.status !== 'started' ? (state?.messages ?? []) : []
  const startedAt = options.status === 'started' ? now() : state?.startedAt
  const durationMs = options.status !== 'started' && startedAt !== undefined ? now() - startedAt : undefined

  const facts: NoticeFacts = {status: options.status, environment, context, durationMs}
  const text = redact(renderText(source, facts, options.parseMode))
  if (text.trim() === '' && options.text.kind === 'template') {
    throw new UserError(`${options.text.label}: every placeholder came out empty: nothing is left to send`)
  }
  const chatIds = chatsFor(session.resolved, refs, request.chatsLabel)
  const base = {status: options.status, environment, bot, parseMode: options.parseMode, durationMs, warnings}

  let throttle: NoticeThrottle | undefined
  if (options.throttleSeconds > 0 && refs.length === 0) {
    throttle = await throttleNotice({facts, windowSeconds: options.throttleSeconds, env, now: now(), configPath: request.bot.configPath})
    warnings.push(...throttle.warnings)
    if (throttle.suppressed) return {...base, chats: [], messages: [], suppressed: throttle.suppressed, exitCode: ExitCode.ok}
  }

  const limiter = new TelegramRateLimiter()
  const notices = await publishNotice(
    session.client,
    chatIds,
    refs,
    {text, parseMode: options.parseMode, silent: options.silent, threadId: session.resolved.threadId?.value},
    {limiter, migrations: session.migrations},
  )
  if (notices.every((notice) => !notice.ok)) warnings.push(...(await throttle?.release()) ?? [])
  for (const notice of notices) {
    // A chat where the new message failed too is reported with the failures.
    if (notice.editError && notice.ok) warnings.push(`chat ${String(notice.chatId)}: could not edit message (${notice.editError}); sent a new one`)
  }
  const messages = currentMessages(notices)
  if (stateKey) {
    const next: DeployState = {key: stateKey, status: options.status, startedAt, messages: keepFailedRefs(messages, notices, refs)}
    await store.write(next).catch((error: NodeJS.ErrnoException) => {
      warnings.push(`could not save the deploy state in ${store.dir} (${error.code ?? error.message}): a later step will send a new message`)
    })
  }
  warnings.push(...(await persistMigrations(session)))
  return {...base, text, chats: notices, messages, exitCode: worstExitCode(notices)}
}

/** Reads a message-file before anything else happens, so that a missing or empty file costs no request. */
async function loadText(source: NoticeText): Promise<NoticeText> {
  if (source.kind !== 'message-file') return source
  let text: string
  try {
    text = await readFile(source.path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error'
    throw new UserError(`${source.label}: cannot read ${JSON.stringify(source.path)} (${code})`)
  }
  if (text.trim() === '') throw new UserError(`${source.label}: the message is empty`)
  return {kind: 'message', text}
}

function renderText(source: NoticeText, facts: NoticeFacts, parseMode: ParseMode | undefined): string {
  if (source.kind === 'message') return source.text
  if (source.kind === 'template') return renderTemplate(source.text, noticeValues(facts, parseMode))
  return renderDefaultNotice(facts, parseMode)
}

/** The config's chats, plus any chat an earlier message of this deploy went to. */
function chatsFor(resolved: ResolvedBot, refs: readonly MessageRef[], chatsLabel: string): ChatId[] {
  const chatIds: ChatId[] = resolved.chats.value.map((target) => target.chatId)
  for (const ref of refs) if (!chatIds.some((chatId) => sameChatId(chatId, ref.chatId))) chatIds.push(ref.chatId)
  if (chatIds.length > 0) return chatIds
  let where = 'set TELEGRAM_CHAT_IDS'
  if (resolved.registry && resolved.name) where = `add chat_ids to bot "${resolved.name}" in ${resolved.registry.display}`
  else if (resolved.name) where = `add chat_ids to "${resolved.name}" in TELEGRAM_BOT_CONFIGS`
  throw new UserError(`no chat to send to: give ${chatsLabel}, or ${where}`)
}

function currentMessages(notices: readonly ChatNotice[]): MessageRef[] {
  return notices
    .filter((notice) => notice.ok && notice.messageId !== undefined)
    .map((notice) => ({chatId: notice.migratedTo ?? notice.chatId, messageId: notice.messageId!}))
}

/** A chat that failed now keeps its earlier message, so that the next status can still edit it. */
function keepFailedRefs(messages: MessageRef[], notices: readonly ChatNotice[], refs: readonly MessageRef[]): MessageRef[] {
  const kept = notices
    .filter((notice) => !notice.ok)
    .flatMap((notice) => refs.filter((ref) => sameChatId(ref.chatId, notice.chatId)))
  return [...messages, ...kept]
}

function worstExitCode(notices: readonly ChatNotice[]): ExitCodeValue {
  const codes = notices.filter((notice) => !notice.ok).map((notice) => notice.error!.exitCode)
  return codes.length === 0 ? ExitCode.ok : (Math.max(...codes) as ExitCodeValue)
}
