import {readFile} from 'node:fs/promises'

import {keepSafeLinks} from '../format/index.js'
import {ParsedFileCache} from '../support/file-signature.js'
import {UserError} from '../user-error.js'
import {type AlertContent, alertParts, type AlertParts} from './render-alert.js'

/** An alert template (see docs/alert-templates.md), checked when loaded so that a typo fails before any send. */
export interface AlertTemplate {
  /** The file as the user named it, for messages. */
  source: string
  text: string
}

type SimplePlaceholder = Exclude<keyof AlertParts, 'fieldValues'>

const SIMPLE_PLACEHOLDERS: readonly SimplePlaceholder[] = [
  'title',
  'severity',
  'icon',
  'channel',
  'host',
  'time',
  'body',
  'fields',
  'suppressed',
]

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g
const FIELD_PREFIX = 'field.'

// A process that sends many alerts reads and checks each version of a template once.
const templates = new ParsedFileCache<AlertTemplate>()

/** Reads and checks `--template FILE`; again only when the file changed (path, inode, mtime, size). */
export function loadTemplate(path: string, flag = '--template'): Promise<AlertTemplate> {
  return templates.get(path, () => readTemplate(path, flag), flag)
}

async function readTemplate(path: string, flag: string): Promise<AlertTemplate> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error'
    throw new UserError(`${flag}: cannot read ${JSON.stringify(path)} (${code})`)
  }
  return parseTemplate(text, path, flag)
}

/** Checks a template's text: every placeholder must be known, and something must be left to send. */
export function parseTemplate(text: string, source: string, flag = '--template'): AlertTemplate {
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? ''
    if (!isKnownPlaceholder(name)) {
      const known = [...SIMPLE_PLACEHOLDERS, `${FIELD_PREFIX}NAME`].join(', ')
      throw new UserError(
        `${flag}: unknown placeholder {{${name}}} in ${JSON.stringify(source)} (known: ${known})`,
      )
    }
  }
  if (text.trim() === '') throw new UserError(`${flag}: ${JSON.stringify(source)} is empty`)
  return {source, text}
}

/**
 * Fills the template's placeholders with the alert's escaped values (quotes too, inside a tag). A link whose `href`
 * is not `http(s)://` or `tg://` once filled keeps its text only. A `{{field.NAME}}` whose field was not given
 * becomes empty. Lines left blank by empty placeholders collapse: at most one blank line in a row, none at the ends.
 */
export function renderTemplate(template: AlertTemplate, content: AlertContent): string {
  const parts = alertParts(content)
  const filled = template.text.replace(PLACEHOLDER, (_match, name: string, offset: number) => {
    const value = name.startsWith(FIELD_PREFIX) ? (parts.fieldValues.get(name.slice(FIELD_PREFIX.length)) ?? '') : parts[name as SimplePlaceholder]
    // Inside a tag the value is an attribute's: a quote in it would end the attribute and start another.
    return isInsideTag(template.text, offset) ? value.replace(/"/g, '&quot;').replace(/'/g, '&#39;') : value
  })
  return keepSafeLinks(filled)
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

function isInsideTag(text: string, offset: number): boolean {
  return text.lastIndexOf('<', offset) > text.lastIndexOf('>', offset)
}

function isKnownPlaceholder(name: string): boolean {
  if (name.startsWith(FIELD_PREFIX)) return name.length > FIELD_PREFIX.length
  return (SIMPLE_PLACEHOLDERS as readonly string[]).includes(name)
}
