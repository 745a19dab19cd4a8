import {access, readFile, stat} from 'node:fs/promises'

import {type BotSession, openBot, persistMigrations} from '../bot-session.js'
import {type BotRequest, type ChatId, type Env, sameChatId} from '../config/index.js'
import {describeFailure, type FailureDescription, failedOf} from '../describe-failure.js'
import {ExitCode, type ExitCodeValue, worstExitCode} from '../exit-codes.js'
import {fitMessage, type ParseMode} from '../format/index.js'
import {DEFAULT_MAX_BYTES, EMPTY_FILE_REFUSED, formatBytes, photoTooLarge, TELEGRAM_PHOTO_BYTES} from '../input/byte-limit.js'
import {redact} from '../redact.js'
import {limiterFor} from '../rate-limit/telegram-limiter.js'
import {MissingTokenError, UserError} from '../user-error.js'
import type {DeployContext} from './context.js'
import type {Attachment, DeployOptions, NoticeText} from './deploy-options.js'
import {type DeployState, deployStateDir, deployStateKey, DeployStateStore} from './deploy-state.js'
import type {MessageRef} from './message-ids.js'
import {sendAttachments} from './notice-attachments.js'
import {noticeChats, pairTargets} from './notice-targets.js'
import {type NoticeFacts, noticeValues, renderDefaultNotice, renderReply} from './notice-values.js'
import {type ChatNotice, publishOrPlain, replyToNotices} from './publish-notice.js'
import {type DeployStatus, repliesFor} from './status.js'
import {renderTemplate} from './template.js'
import {type NoticeThrottle, throttleNotice} from './throttle-notice.js'

export interface DeployNoticeRequest {
  options: DeployOptions
  /** The door's bot selection: `token`, `bot`, `defaultBot` (the channel, `deploy`), `configPath`. */
  bot: Pick<BotRequest, 'bot' | 'token' | 'configPath' | 'defaultBot' | 'defaultBotGiven'>
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
  /** The text sent (or, in a dry run, that would be); absent when the throttle held the notice back. */
  text?: string
  parseMode?: ParseMode
  chats: ChatNotice[]
  /** Where the notice is now, one message per chat that has it: the `message-ids` output. */
  messages: MessageRef[]
  durationMs?: number
  /** Set when the throttle held the notice back. */
  suppressed?: {count: number; nextAt: Date}
  /** Set for a dry run: the chats the notice would go to; nothing was sent. */
  dryRun?: {chats: ChatId[]}
  warnings: string[]
  /** 0 when every chat has the notice; else 3 when Telegram was unreachable for a chat, else 1. */
  exitCode: ExitCodeValue
}

/** What ran out of time: the deadline of the whole notice, not one request. */
class DeadlineError extends Error {
  override readonly name = 'DeadlineError'
}

/**
 * Sends or updates a deploy notice: resolves the bot, finds the deploy's earlier message (given ids, else the state
 * file; for `started` too), renders the text to fit one message, edits the message in place (a new one when that
 * fails), replies to it when the status should notify, sends the attachments, and records the state for the next
 * step. The whole of it gives up at the deadline: chats not reached by then are reported as not sent.
 */
export async function notifyDeploy(request: DeployNoticeRequest): Promise<DeployNoticeResult> {
  const {options, context} = request
  const env = request.env ?? process.env
  const now = request.now ?? Date.now
  const warnings: string[] = []
  const environment = options.environment ?? context.environment
  const source = await loadText(options.text)
  const attachments = await checkAttachments(options.attachments, options.maxUploadBytes, warnings)

  const deadline = new AbortController()
  const deadlineError = new DeadlineError(`not sent: the deadline of ${options.deadlineSeconds} s passed`)
  const timer = setTimeout(() => deadline.abort(deadlineError), options.deadlineSeconds * 1000)
  const describeError = (error: unknown): FailureDescription =>
    error === deadlineError || deadline.signal.aborted
      ? {code: 'unreachable', message: deadlineError.message, exitCode: ExitCode.unreachable}
      : describeFailure(error)
  try {
    const chats = options.chats.length > 0 ? options.chats : undefined
    const session = await openSession(request, chats, options.dryRun, deadline.signal)
    if (session) request.onToken?.(session.resolved.token.value)
    warnings.push(...(session?.resolved.warnings ?? []))
    const bot = session ? (session.resolved.name ?? session.resolved.token.source) : 'none'

    const stateKey = deployStateKey(context.repository, context.runId, environment, session?.resolved.token.value)
    const store = new DeployStateStore(request.stateDir ?? deployStateDir(env), now)
    const state = stateKey ? await store.read(stateKey, warnings) : undefined
    // A `started` for a deploy whose notice exists (a re-run, a retried job, the step twice) edits it too: one
    // message per chat per deploy, whatever status comes again.
    const refs = options.messageRefs.length > 0 ? options.messageRefs : (state?.messages ?? [])
    const startedAt = options.status === 'started' ? now() : state?.startedAt
    const durationMs = options.status !== 'started' && startedAt !== undefined ? now() - startedAt : undefined

    const facts: NoticeFacts = {status: options.status, environment, context, durationMs}
    const rendered = redact(renderText(source, facts, options.parseMode))
    if (rendered.trim() === '' && options.text.kind === 'template') {
      throw new UserError(`${options.text.label}: every placeholder came out empty: nothing is left to send`)
    }
    const fitted = fitMessage(rendered, {parseMode: options.parseMode})
    if (fitted.cut) warnings.push('the notice is longer than one Telegram message: it was cut to fit, ending with …')
    const text = fitted.text
    const chatIds = noticeChats(session?.resolved, options.chats, refs, request.chatsLabel)
    const base = {status: options.status, environment, bot, parseMode: options.parseMode, durationMs, warnings}
    if (options.dryRun || !session) return {...base, text, chats: [], messages: [], dryRun: {chats: chatIds}, exitCode: ExitCode.ok}

    let throttle: NoticeThrottle | undefined
    if (options.throttleSeconds > 0) {
      throttle = await throttleNotice({facts, windowSeconds: options.throttleSeconds, env, now: now(), configPath: request.bot.configPath})
      warnings.push(...throttle.warnings)
      // A known notice is always edited (else it would say "Deploying…" for good), but the edit takes the window:
      // the next job of the matrix, which has no notice of its own, then holds back the same status.
      if (throttle.suppressed && refs.length === 0) return {...base, chats: [], messages: [], suppressed: throttle.suppressed, exitCode: ExitCode.ok}
    }

    const {client, migrations} = session
    const limiter = limiterFor(client)
    const threadId = session.resolved.threadId?.value
    const targets = await pairTargets(client, chatIds, refs, migrations)
    const {notices, warnings: plainWarnings} = await publishOrPlain(
      client,
      targets,
      {text, parseMode: options.parseMode, silent: options.silent, threadId, linkPreview: options.linkPreview, protect: options.protect},
      {limiter, migrations, describeError},
    )
    warnings.push(...plainWarnings)
    if (notices.every((notice) => !notice.ok)) warnings.push(...((await throttle?.release()) ?? []))
    for (const notice of notices) {
      // A chat where the new message failed too is reported with the failures.
      if (notice.editError && notice.ok) warnings.push(`chat ${String(notice.chatId)}: could not edit message (${notice.editError}); sent a new one`)
    }
    const follow = {limiter, migrations, threadId, silent: options.silent, protect: options.protect, describeError}
    if (repliesFor(options.status, options.notify)) {
      warnings.push(...(await replyToNotices(client, notices, {text: renderReply(facts, options.parseMode), parseMode: options.parseMode}, follow)))
    }
    warnings.push(...(await sendAttachments(client, notices, attachments, follow)))

    const messages = currentMessages(notices)
    if (stateKey) {
      const next: DeployState = {key: stateKey, status: options.status, startedAt, messages: keepFailedRefs(messages, notices, refs)}
      await store.write(next).catch((error: NodeJS.ErrnoException) => {
        warnings.push(`could not save the deploy state in ${store.dir} (${error.code ?? error.message}): a later step will send a new message`)
      })
    }
    warnings.push(...(await persistMigrations(session)))
    return {...base, text, chats: notices, messages, exitCode: worstExitCode(failedOf(notices).map((notice) => notice.error.exitCode))}
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Resolves the bot. A dry run needs no token: without one it shows the chats given, and the caller learns that no
 * session exists (undefined).
 */
async function openSession(request: DeployNoticeRequest, chats: string[] | undefined, dryRun: boolean, signal: AbortSignal): Promise<BotSession | undefined> {
  const env = request.env ?? process.env
  try {
    return await openBot(
      {...request.bot, chats, thread: request.options.threadId},
      {env, debug: request.debug, timeoutMs: request.timeoutMs, signal},
    )
  } catch (error) {
    if (dryRun && error instanceof MissingTokenError) return undefined
    throw error
  }
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

/**
 * A file to attach must be there before the notice goes: a typo in a path is an input error, not half a notice. A
 * file Telegram refuses whatever happens (empty, over the upload limit) is left out with one warning: the notice
 * matters more than its attachment, and uploading it to every chat only to be refused costs the deadline.
 */
async function checkAttachments(attachments: readonly Attachment[], maxBytes: number, warnings: string[]): Promise<Attachment[]> {
  const usable: Attachment[] = []
  for (const attachment of attachments) {
    let size: number
    try {
      const stats = await stat(attachment.path)
      if (stats.isDirectory()) throw Object.assign(new Error('a directory'), {code: 'EISDIR'})
      await access(attachment.path)
      size = stats.size
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error'
      throw new UserError(`${attachment.label}: cannot read ${JSON.stringify(attachment.path)} (${code})`)
    }
    const what = `${attachment.label} ${attachment.path}`
    if (size === 0) warnings.push(`${what} is empty: not sent (${EMPTY_FILE_REFUSED})`)
    else if (size > maxBytes) warnings.push(`${what} is larger than ${formatBytes(maxBytes)}${maxBytes === DEFAULT_MAX_BYTES.upload ? UPLOAD_LIMIT_NOTE : ''}: not sent`)
    else if (attachment.kind === 'photo' && size > TELEGRAM_PHOTO_BYTES) warnings.push(`${what} ${PHOTO_NOT_SENT}`)
    else usable.push(attachment)
  }
  return usable
}

/** What the default limit is, and how a local Bot API server gets past it. */
const UPLOAD_LIMIT_NOTE = ", Telegram's upload limit for bots (a local Bot API server takes more: raise max-bytes)"

const PHOTO_NOT_SENT = photoTooLarge(`not sent (a document may be up to ${formatBytes(DEFAULT_MAX_BYTES.upload)})`)

function renderText(source: NoticeText, facts: NoticeFacts, parseMode: ParseMode | undefined): string {
  if (source.kind === 'message') return source.text
  if (source.kind === 'template') return renderTemplate(source.text, noticeValues(facts, parseMode))
  return renderDefaultNotice(facts, parseMode)
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
    .flatMap((notice) => refs.filter((ref) => sameChatId(ref.chatId, notice.chatId) || sameChatId(ref.chatId, notice.migratedTo ?? notice.chatId)))
  return [...messages, ...kept]
}

