import {isTelegramApiError, isTelegramNetworkError} from './api/errors.js'
import {ExitCode, type ExitCodeValue} from './exit-codes.js'
import {redact} from './redact.js'
import {isUnreachableError} from './unreachable-error.js'
import {isUserError} from './user-error.js'
import {errorMessage} from './support/error-message.js'

export interface FailureDescription {
  /** Stable machine-readable kind, for `--json` and the Action's outputs. */
  code: 'usage' | 'telegram' | 'unreachable' | 'internal'
  /** One line, safe to print: no token, no stack. */
  message: string
  exitCode: ExitCodeValue
  /** Telegram's `error_code` when Telegram answered (`code: 'telegram'`): what retry and spool decisions read. */
  telegramErrorCode?: number
}

/**
 * A result per chat or per bot that worked or failed, never both: `error` is there exactly when `ok` is false, so
 * code that checked `ok` reads it without `!`.
 */
export type Outcome<Fields> = (Fields & {ok: true; error?: undefined}) | (Fields & {ok: false; error: FailureDescription})

/** The failed ones, typed as such. */
export const failedOf = <T extends {ok: boolean}>(outcomes: readonly T[]): Array<Extract<T, {ok: false}>> =>
  outcomes.filter((outcome): outcome is Extract<T, {ok: false}> => !outcome.ok)

/** Turns any thrown value into the one line every door prints, and the exit code scripts branch on. */
export function describeFailure(error: unknown): FailureDescription {
  if (isUserError(error)) return {code: 'usage', message: oneLine(error.message), exitCode: ExitCode.usage}
  if (isTelegramApiError(error)) {
    const message = error.hint ? `${error.message}: ${error.hint}` : error.message
    return {code: 'telegram', message: oneLine(message), exitCode: ExitCode.telegramRefused, telegramErrorCode: error.errorCode}
  }
  if (isTelegramNetworkError(error) || isUnreachableError(error)) {
    return {code: 'unreachable', message: oneLine(error.message), exitCode: ExitCode.unreachable}
  }
  // oclif's parser errors (unknown flag, missing argument) carry their own exit code 2.
  const oclifExit = (error as {oclif?: {exit?: number}} | undefined)?.oclif?.exit
  if (oclifExit === ExitCode.usage) {
    return {code: 'usage', message: parserLine(String((error as Error).message)), exitCode: ExitCode.usage}
  }
  const message = errorMessage(error)
  return {code: 'internal', message: oneLine(`unexpected error: ${message}`), exitCode: ExitCode.telegramRefused}
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the colour codes that are removed
const COLOUR_CODES = /\u001b\[[0-9;]*m/g

/**
 * oclif's parser puts the reason on the lines after the first (`Parsing --timeout` / `Expected an integer ...`),
 * then a note after a blank line and a pointer to --help: keep the first paragraph, on one line.
 */
function parserLine(text: string): string {
  const [paragraph = ''] = text.replace(COLOUR_CODES, '').split(/\n\s*\n/)
  const [head = '', ...reasons] = paragraph
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '' && line !== 'See more help with --help')
  const joined = reasons.length === 0 ? head : `${head.replace(/:$/, '')}: ${reasons.join('; ')}`
  return redact(joined)
}

function oneLine(text: string): string {
  const firstLine = text.split('\n').find((line) => line.trim() !== '') ?? text
  return redact(firstLine.trim())
}
