import {z} from 'zod'

import {CHAT_ID_EXPECTED, parseChatId, splitChatList} from '../config/index.js'
import {preview} from '../config/issues.js'
import type {ParseMode} from '../format/index.js'
import {UserError} from '../user-error.js'
import {type MessageRef, parseMessageIds} from './message-ids.js'
import {DEPLOY_STATUSES, type DeployStatus, NOTIFY_MODES, type NotifyMode, toDeployStatus} from './status.js'
import {checkTemplate} from './template.js'

// zod loads slowly: the CLI imports this module only inside `deploy`'s run(); the Action bundles it anyway.

/** The settings both doors share, named as the Action's inputs; the CLI maps its flags onto them. */
export const DEPLOY_INPUTS = [
  'status',
  'environment',
  'message-ids',
  'chat-ids',
  'thread-id',
  'message',
  'message-file',
  'template',
  'parse-mode',
  'disable-notification',
  'throttle-seconds',
  'notify',
  'link-preview',
  'protect-content',
  'document',
  'photo',
  'dry-run',
  'deadline',
] as const

export type DeployInputName = (typeof DEPLOY_INPUTS)[number]

/** Values as the door read them: text, `''` or undefined when not given. */
export type RawDeployInputs = Partial<Record<DeployInputName, string>>

/** Where the text of a notice comes from. */
export type NoticeText =
  | {kind: 'default'}
  /** Sent as written, in the parse mode. */
  | {kind: 'message'; text: string}
  /** A file read when the notice is sent; `label` names the input in errors. */
  | {kind: 'message-file'; path: string; label: string}
  /** Placeholders filled with the run's escaped values (see notice-values.ts); `label` names the input in errors. */
  | {kind: 'template'; text: string; label: string}

export interface DeployOptions {
  status: DeployStatus
  /** @default the CI's environment name (GitLab, GitHub deployment events), else none */
  environment?: string
  /** Messages to edit. @default [] (the state file of the run, for statuses after `started`) */
  messageRefs: MessageRef[]
  /** Chat ids as given, each checked; they replace the config's chats. @default [] (the config's) */
  chats: string[]
  /** Forum topic. @default the config's */
  threadId?: number
  text: NoticeText
  /** @default 'HTML' */
  parseMode?: ParseMode
  /** Sends without sound. @default false */
  silent: boolean
  /** One notice per repository, environment, status and commit per window; 0 turns it off. @default 0 */
  throttleSeconds: number
  /** Which final statuses also reply to the edited notice, so the chat is notified. @default 'failure' */
  notify: NotifyMode
  /** Shows a preview of the first link. @default false */
  linkPreview: boolean
  /** Forbids forwarding and saving the messages (`protect_content`). @default false */
  protect: boolean
  /** Files sent as replies to the notice, in each chat. @default [] */
  attachments: Attachment[]
  /** Prints what would be sent and sends nothing. @default false */
  dryRun: boolean
  /** The whole notice (every request, retry and chat) gives up after this many seconds. @default 45 */
  deadlineSeconds: number
}

/** A file from the workspace that follows the notice as a reply. `label` names the input in errors. */
export interface Attachment {
  kind: 'document' | 'photo'
  path: string
  label: string
}

/** The whole notice's deadline: a Telegram that never answers must not hold a deploy for minutes. */
export const DEFAULT_DEADLINE_SECONDS = 45

const TRUE = ['true', 'True', 'TRUE']
const FALSE = ['false', 'False', 'FALSE']

/** Marks an issue whose message already quotes the bad part, so the whole value is not repeated. */
const QUIET = {quiet: true}

const given = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value)

/** A YAML 1.2 core boolean, the way `core.getBooleanInput` reads one, with a default for a blank input. */
export function booleanInput(defaultValue: boolean) {
  return z.string().optional().transform((value, ctx) => {
    const text = given(value)?.trim()
    if (text === undefined) return defaultValue
    if (TRUE.includes(text)) return true
    if (FALSE.includes(text)) return false
    ctx.issues.push({code: 'custom', message: 'expected true or false', input: value})
    return z.NEVER
  })
}

function integerInput(min: number, expected: string) {
  return z.string().optional().transform((value, ctx) => {
    const text = given(value)?.trim()
    if (text === undefined) return undefined
    const number = /^\d+$/.test(text) ? Number(text) : Number.NaN
    if (Number.isSafeInteger(number) && number >= min) return number
    ctx.issues.push({code: 'custom', message: expected, input: value})
    return z.NEVER
  })
}

/** Seconds, fractions allowed (`0.5`), above zero. */
export function secondsInput(expected: string) {
  return z.string().optional().transform((value, ctx) => {
    const text = given(value)?.trim()
    if (text === undefined) return undefined
    const number = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN
    if (Number.isFinite(number) && number > 0) return number
    ctx.issues.push({code: 'custom', message: expected, input: value})
    return z.NEVER
  })
}

const optionalText = z.string().optional().transform((value) => given(value))

const schema = z.object({
  status: z.string().optional().transform((value, ctx) => {
    const text = given(value)?.trim().toLowerCase()
    const status = text === undefined ? undefined : toDeployStatus(text)
    if (status !== undefined) return status
    const expected = `expected one of ${DEPLOY_STATUSES.join(', ')}`
    ctx.issues.push({code: 'custom', message: text === undefined ? `required: ${expected}` : expected, input: value})
    return z.NEVER
  }),
  environment: optionalText.transform((value) => value?.trim()),
  'message-ids': z.string().optional().transform((value, ctx) => {
    const parsed = parseMessageIds(value ?? '')
    if (Array.isArray(parsed)) return parsed
    ctx.issues.push({code: 'custom', message: parsed.problem, input: value, params: QUIET})
    return z.NEVER
  }),
  'chat-ids': z.string().optional().transform((value, ctx) => {
    // One per line is as welcome as comma-separated: YAML block scalars make lists that way.
    const entries = splitChatList((value ?? '').replace(/\s*\n\s*/g, ','))
    const bad = entries.find((entry) => parseChatId(entry) === undefined)
    if (bad === undefined) return entries
    ctx.issues.push({code: 'custom', message: `${JSON.stringify(bad)} is not ${CHAT_ID_EXPECTED}`, input: value, params: QUIET})
    return z.NEVER
  }),
  'thread-id': integerInput(1, 'expected a positive integer (a forum topic id)'),
  message: optionalText,
  'message-file': optionalText.transform((value) => value?.trim()),
  template: optionalText,
  'parse-mode': z.string().optional().transform((value, ctx): ParseMode | undefined => {
    const text = given(value)?.trim().toLowerCase() ?? 'html'
    if (text === 'html') return 'HTML'
    if (text === 'markdownv2') return 'MarkdownV2'
    if (text === 'none' || text === 'plain') return undefined
    ctx.issues.push({code: 'custom', message: 'expected one of html, markdownv2, none', input: value})
    return z.NEVER
  }),
  'disable-notification': booleanInput(false),
  'throttle-seconds': integerInput(0, 'expected a whole number of seconds (0 turns throttling off)'),
  notify: z.string().optional().transform((value, ctx): NotifyMode => {
    const text = given(value)?.trim().toLowerCase() ?? 'failure'
    if ((NOTIFY_MODES as readonly string[]).includes(text)) return text as NotifyMode
    ctx.issues.push({code: 'custom', message: `expected one of ${NOTIFY_MODES.join(', ')}`, input: value})
    return z.NEVER
  }),
  'link-preview': booleanInput(false),
  'protect-content': booleanInput(false),
  document: optionalText.transform((value) => value?.trim()),
  photo: optionalText.transform((value) => value?.trim()),
  'dry-run': booleanInput(false),
  deadline: secondsInput('expected a number of seconds above 0'),
})

/** One line for the first problem: `input status: expected one of started, success, failure, cancelled, got "deployed"`. */
export function describeInputIssues(error: z.ZodError, raw: Readonly<Record<string, string | undefined>>, label: (name: string) => string): string {
  const [first, ...rest] = error.issues
  if (first === undefined) return 'invalid input'
  const name = String(first.path[0] ?? '')
  const value = raw[name]
  const quiet = (first as {params?: {quiet?: boolean}}).params?.quiet === true
  const shown = !quiet && value !== undefined && value.trim() !== '' ? `, got ${preview(value)}` : ''
  const more = rest.length === 0 ? '' : ` (and ${rest.length} more ${rest.length === 1 ? 'problem' : 'problems'})`
  return `${label(name)}: ${first.message}${shown}${more}`
}

/**
 * Validates what a door read into DeployOptions. `label` names an input or flag in messages (`input status`,
 * `--status`). Throws a one-line UserError.
 */
export function parseDeployOptions(raw: RawDeployInputs, label: (name: DeployInputName) => string): DeployOptions {
  const parsed = schema.safeParse(raw)
  if (!parsed.success) throw new UserError(describeInputIssues(parsed.error, raw, label as (name: string) => string))
  const inputs = parsed.data
  const sources = (['message', 'message-file', 'template'] as const).filter((name) => inputs[name] !== undefined)
  if (sources.length > 1) {
    throw new UserError(`${sources.map(label).join(' and ')} exclude each other: give one (or none, for the default message)`)
  }
  let text: NoticeText = {kind: 'default'}
  if (inputs.message !== undefined) text = {kind: 'message', text: inputs.message}
  if (inputs['message-file'] !== undefined) text = {kind: 'message-file', path: inputs['message-file'], label: label('message-file')}
  if (inputs.template !== undefined) {
    checkTemplate(inputs.template, label('template'))
    text = {kind: 'template', text: inputs.template, label: label('template')}
  }
  return {
    status: inputs.status,
    environment: inputs.environment,
    messageRefs: inputs['message-ids'],
    chats: inputs['chat-ids'],
    threadId: inputs['thread-id'],
    text,
    parseMode: inputs['parse-mode'],
    silent: inputs['disable-notification'],
    throttleSeconds: inputs['throttle-seconds'] ?? 0,
    notify: inputs.notify,
    linkPreview: inputs['link-preview'],
    protect: inputs['protect-content'],
    attachments: (['document', 'photo'] as const).flatMap((kind) => {
      const path = inputs[kind]
      return path === undefined ? [] : [{kind, path, label: label(kind)}]
    }),
    dryRun: inputs['dry-run'],
    deadlineSeconds: inputs.deadline ?? DEFAULT_DEADLINE_SECONDS,
  }
}
