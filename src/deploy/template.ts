import {UserError} from '../user-error.js'
import {type Placeholder, PLACEHOLDERS} from './notice-values.js'

// `{{ name }}`, spaces allowed inside the braces. The same syntax as alert templates, with the deploy's names.
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g
const HAS_PLACEHOLDER = new RegExp(PLACEHOLDER.source)

/**
 * Checks a notice template: every `{{placeholder}}` must be one of PLACEHOLDERS, no `{{` may be left unclosed, and
 * something must be left to send. `label` names the input or flag in the message.
 */
export function checkTemplate(text: string, label: string): void {
  if (text.trim() === '') throw new UserError(`${label}: the template is empty`)
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? ''
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new UserError(`${label}: unknown placeholder {{${name}}} (known: ${PLACEHOLDERS.join(', ')})`)
    }
  }
  const rest = text.replace(PLACEHOLDER, '')
  const unclosed = rest.indexOf('{{')
  if (unclosed >= 0) {
    throw new UserError(`${label}: "{{" without a closing "}}" at ${JSON.stringify(rest.slice(unclosed, unclosed + 20))}`)
  }
}

/**
 * Fills a checked template with escaped values. A line made only of placeholders that all came out empty is dropped,
 * so a `{{pr}}` line vanishes when there is no pull request; blank lines written in the template stay (at most one in
 * a row), and none are left at the ends.
 */
export function renderTemplate(text: string, values: Readonly<Record<Placeholder, string>>): string {
  const fill = (line: string) => line.replace(PLACEHOLDER, (_match, name: string) => values[name as Placeholder] ?? '')
  const lines: string[] = []
  for (const line of text.split('\n')) {
    const filled = fill(line).replace(/[ \t]+$/, '')
    const onlyPlaceholders = HAS_PLACEHOLDER.test(line) && line.replace(PLACEHOLDER, '').trim() === ''
    if (onlyPlaceholders && filled.trim() === '') continue
    lines.push(filled)
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim()
}
