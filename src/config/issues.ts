import type {z} from 'zod'
import {redact} from '../redact.js'

type Path = readonly PropertyKey[]

/** `bots[1].chat_ids[0]`; `[0].token` for a value that is itself a list. */
export function formatPath(path: Path): string {
  let text = ''
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`
    else text += text === '' ? String(segment) : `.${String(segment)}`
  }
  return text
}

/** Joins where the value came from with the path inside it: `config.yml: bots[0].name`, `TELEGRAM_BOT_CONFIGS[0]`. */
export function locate(where: string, path: Path): string {
  const inner = formatPath(path)
  if (inner === '') return where
  return inner.startsWith('[') ? `${where}${inner}` : `${where}: ${inner}`
}

function valueAt(input: unknown, path: Path): unknown {
  let value = input
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<PropertyKey, unknown>)[segment]
  }
  return value
}

const PREVIEW_LENGTH = 40

/** A short JSON rendering of the offending value: `"abc"`, `12.5`, `{"a":1}`. Redacted before it is cut short. */
export function preview(value: unknown): string {
  const text = redact(JSON.stringify(value) ?? String(value))
  return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1)}…` : text
}

// A schema that reports one entry of a larger value (a chat id inside "123,abc") names it in `params.element`.
function offendingValue(issue: z.core.$ZodIssue, input: unknown): unknown {
  const params = issue.code === 'custom' ? (issue.params as {element?: unknown} | undefined) : undefined
  return params && 'element' in params ? params.element : valueAt(input, issue.path)
}

function describeIssue(where: string, issue: z.core.$ZodIssue, input: unknown): string {
  const value = offendingValue(issue, input)
  const isTokenText = issue.path.at(-1) === 'token' && typeof value === 'string'
  const showValue = value !== undefined && issue.code !== 'unrecognized_keys' && !isTokenText
  return `${locate(where, issue.path)}: ${issue.message}${showValue ? `, got ${preview(value)}` : ''}`
}

/**
 * Turns a failed parse into ONE line naming the source, the bad field and what was expected:
 * `config.yml: bots[1].chat_ids[0]: expected a chat id (integer) or @username, got "abc"`.
 */
export function describeZodError(where: string, error: z.ZodError, input: unknown): string {
  const [first, ...rest] = error.issues
  if (!first) return `${where}: invalid`
  const more = rest.length === 0 ? '' : ` (and ${rest.length} more ${rest.length === 1 ? 'problem' : 'problems'})`
  return redact(describeIssue(where, first, input) + more)
}
