import {CHAT_ID_EXPECTED, parseChatId, splitChatList} from '../config/index.js'
import {preview} from '../config/issues.js'
import type {ParseMode} from '../format/index.js'
import {DEFAULT_MAX_BYTES} from '../input/byte-limit.js'
import {UserError} from '../user-error.js'
import {type MessageRef, parseMessageIds} from './message-ids.js'
import {DEPLOY_STATUSES, type DeployStatus, NOTIFY_MODES, type NotifyMode, toDeployStatus} from './status.js'
import {checkTemplate} from './template.js'

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
  'max-bytes',
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
  /** Messages to edit. @default [] (the state file of the run) */
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
  /**
   * An attachment larger than this is left out with a warning: Telegram's upload limit for bots, which a local Bot API
   * server raises to 2,000 MB. @default 50,000,000
   */
  maxUploadBytes: number
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

/**
 * One input's reading: its value, or what is wrong with it. `quiet` marks a message that already quotes the bad
 * part, so the whole value is not repeated.
 */
export type InputReading<T> = {ok: true; value: T} | {ok: false; message: string; quiet?: boolean}
/** Reads one input as the door got it: text, or undefined when not given. */
export type InputReader<T> = (value: string | undefined) => InputReading<T>

const ok = <T>(value: T): InputReading<T> => ({ok: true, value})
const wrong = (message: string, quiet = false): InputReading<never> => ({ok: false, message, quiet})

const given = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value)

/** A YAML 1.2 core boolean, the way `core.getBooleanInput` reads one, with a default for a blank input. */
export function booleanInput(defaultValue: boolean): InputReader<boolean> {
  return (value) => {
    const text = given(value)?.trim()
    if (text === undefined) return ok(defaultValue)
    if (TRUE.includes(text)) return ok(true)
    if (FALSE.includes(text)) return ok(false)
    return wrong('expected true or false')
  }
}

function integerInput(min: number, expected: string): InputReader<number | undefined> {
  return (value) => {
    const text = given(value)?.trim()
    if (text === undefined) return ok(undefined)
    const number = /^\d+$/.test(text) ? Number(text) : Number.NaN
    return Number.isSafeInteger(number) && number >= min ? ok(number) : wrong(expected)
  }
}

/** Node's timers hold at most 2^31-1 ms (24.8 days): a longer deadline would fire at once, sending nothing. */
const MAX_TIMER_SECONDS = 24 * 24 * 3600

/** Seconds, fractions allowed (`0.5`), above zero and within what a timer holds. */
export function secondsInput(expected: string): InputReader<number | undefined> {
  return (value) => {
    const text = given(value)?.trim()
    if (text === undefined) return ok(undefined)
    const number = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN
    if (!Number.isFinite(number) || number <= 0) return wrong(expected)
    return number > MAX_TIMER_SECONDS ? wrong(`expected at most ${MAX_TIMER_SECONDS} seconds (24 days)`) : ok(number)
  }
}

const optionalText: InputReader<string | undefined> = (value) => ok(given(value))
const trimmedText: InputReader<string | undefined> = (value) => ok(given(value)?.trim())

/** Every input, in the order problems are reported. */
const INPUT_READERS = {
  status: (value: string | undefined) => {
    const text = given(value)?.trim().toLowerCase()
    const status = text === undefined ? undefined : toDeployStatus(text)
    if (status !== undefined) return ok(status)
    const expected = `expected one of ${DEPLOY_STATUSES.join(', ')}`
    return wrong(text === undefined ? `required: ${expected}` : expected)
  },
  environment: trimmedText,
  'message-ids': (value: string | undefined) => {
    const parsed = parseMessageIds(value ?? '')
    return Array.isArray(parsed) ? ok(parsed) : wrong(parsed.problem, true)
  },
  'chat-ids': (value: string | undefined) => {
    // One per line is as welcome as comma-separated: YAML block scalars make lists that way.
    const entries = splitChatList((value ?? '').replace(/\s*\n\s*/g, ','))
    const bad = entries.find((entry) => parseChatId(entry) === undefined)
    return bad === undefined ? ok(entries) : wrong(`${JSON.stringify(bad)} is not ${CHAT_ID_EXPECTED}`, true)
  },
  'thread-id': integerInput(1, 'expected a positive integer (a forum topic id)'),
  message: optionalText,
  'message-file': trimmedText,
  template: optionalText,
  'parse-mode': (value: string | undefined): InputReading<ParseMode | undefined> => {
    const text = given(value)?.trim().toLowerCase() ?? 'html'
    if (text === 'html') return ok('HTML')
    if (text === 'markdownv2') return ok('MarkdownV2')
    if (text === 'none' || text === 'plain') return ok(undefined)
    return wrong('expected one of html, markdownv2, none')
  },
  'disable-notification': booleanInput(false),
  'throttle-seconds': integerInput(0, 'expected a whole number of seconds (0 turns throttling off)'),
  notify: (value: string | undefined) => {
    const text = given(value)?.trim().toLowerCase() ?? 'failure'
    return (NOTIFY_MODES as readonly string[]).includes(text) ? ok(text as NotifyMode) : wrong(`expected one of ${NOTIFY_MODES.join(', ')}`)
  },
  'link-preview': booleanInput(false),
  'protect-content': booleanInput(false),
  document: trimmedText,
  photo: trimmedText,
  'max-bytes': integerInput(1, 'expected a number of bytes above 0'),
  'dry-run': booleanInput(false),
  deadline: secondsInput('expected a number of seconds above 0'),
} satisfies Record<DeployInputName, InputReader<unknown>>

type ReadInputs<R extends Record<string, InputReader<unknown>>> = {
  [Name in keyof R]: Extract<ReturnType<R[Name]>, {ok: true}>['value']
}

/** An input the door got wrong: its name and what is wrong. */
export interface InputProblem {
  name: string
  message: string
  quiet?: boolean
}

/** Reads every input of `readers` from `raw`; every problem is collected, in the readers' order. */
function readEveryInput<R extends Record<string, InputReader<unknown>>>(
  readers: R,
  raw: Readonly<Record<string, string | undefined>>,
): {values: ReadInputs<R>; problems: InputProblem[]} {
  const values: Record<string, unknown> = {}
  const problems: InputProblem[] = []
  for (const [name, read] of Object.entries(readers)) {
    const reading = read(raw[name])
    if (reading.ok) values[name] = reading.value
    else problems.push({name, message: reading.message, quiet: reading.quiet})
  }
  return {values: values as ReadInputs<R>, problems}
}

/** One line for the first problem: `input status: expected one of started, success, failure, cancelled, got "deployed"`. */
export function describeInputIssues(
  problems: readonly InputProblem[],
  raw: Readonly<Record<string, string | undefined>>,
  label: (name: string) => string,
): string {
  const [first, ...rest] = problems
  if (first === undefined) return 'invalid input'
  const value = raw[first.name]
  const shown = !first.quiet && value !== undefined && value.trim() !== '' ? `, got ${preview(value)}` : ''
  const more = rest.length === 0 ? '' : ` (and ${rest.length} more ${rest.length === 1 ? 'problem' : 'problems'})`
  return `${label(first.name)}: ${first.message}${shown}${more}`
}

/**
 * Validates what a door read into DeployOptions. `label` names an input or flag in messages (`input status`,
 * `--status`). Throws a one-line UserError.
 */
export function parseDeployOptions(raw: RawDeployInputs, label: (name: DeployInputName) => string): DeployOptions {
  const {values: inputs, problems} = readEveryInput(INPUT_READERS, raw)
  if (problems.length > 0) throw new UserError(describeInputIssues(problems, raw, label as (name: string) => string))
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
    maxUploadBytes: inputs['max-bytes'] ?? DEFAULT_MAX_BYTES.upload,
    dryRun: inputs['dry-run'],
    deadlineSeconds: inputs.deadline ?? DEFAULT_DEADLINE_SECONDS,
  }
}
