import {UserError} from '../user-error.js'

/**
 * The parse modes we send. Legacy `Markdown` is left out on purpose: it cannot escape every character, and the Bot
 * API keeps it only for backward compatibility.
 */
export type ParseMode = 'HTML' | 'MarkdownV2'

const ACCEPTED = 'html, markdownv2, none'

/**
 * Reads a parse mode as a user types it (any case): `html`, `markdownv2`, or `none` / `plain` for plain text
 * (`undefined`). `field` names the flag or input in the error message (default `--parse-mode`).
 */
export function parseParseMode(input: string | undefined, field = '--parse-mode'): ParseMode | undefined {
  if (input === undefined) return undefined
  switch (input.trim().toLowerCase()) {
    case 'html':
      return 'HTML'
    case 'markdownv2':
      return 'MarkdownV2'
    case 'none':
    case 'plain':
      return undefined
    case 'markdown':
      throw new UserError(`${field}: legacy Markdown is not supported, use markdownv2; ` +
        `expected one of ${ACCEPTED} (got ${JSON.stringify(input)})`)
    default:
      throw new UserError(`${field}: expected one of ${ACCEPTED} (got ${JSON.stringify(input)})`)
  }
}
