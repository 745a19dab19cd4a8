import {registerToken} from '../redact.js'
import {MissingTokenError} from '../user-error.js'
import {errorMessage} from '../support/error-message.js'
import {isKeychainUnavailable, KEYCHAIN_SERVICE, readToken, storeToken} from './keychain.js'
import type {Env} from './paths.js'
import {ENV_REFERENCE, KEYCHAIN_PREFIX, noValue} from './constants.js'
import type {Sourced} from './types.js'

/** How the registry holds a token: the token itself, `${ENV_VAR}`, or `keychain:<account>`. */
export type TokenReference =
  | {kind: 'literal'; token: string}
  | {kind: 'env'; variable: string}
  | {kind: 'keychain'; account: string}

export function parseTokenReference(raw: string): TokenReference {
  const variable = ENV_REFERENCE.exec(raw)?.[1]
  if (variable !== undefined) return {kind: 'env', variable}
  if (raw.startsWith(KEYCHAIN_PREFIX)) return {kind: 'keychain', account: raw.slice(KEYCHAIN_PREFIX.length)}
  return {kind: 'literal', token: raw}
}

export interface RegistryTokenContext {
  botName: string
  /** The registry file as messages show it. */
  display: string
  /** Source of a literal token: `registry <file> bots[0] (alerts)`. */
  literalSource: string
  env: Env
}

/** Where a reference points, without reading it: `env ${ALERTS_TOKEN}`, `keychain fastpay-tg/alerts`. */
export function tokenReferenceSource(reference: TokenReference, literalSource: string): string {
  if (reference.kind === 'env') return `env \${${reference.variable}}`
  if (reference.kind === 'keychain') return `keychain ${KEYCHAIN_SERVICE}/${reference.account}`
  return literalSource
}

/**
 * A registry bot whose token cannot be read (an unset `${ENV}`, a locked or empty keychain). Doors that handle many
 * bots (`bots validate`, `webhook serve`, `bots list`) report `problem` for that bot alone and carry on.
 */
export class TokenUnreadableError extends MissingTokenError {
  constructor(
    readonly botName: string,
    /** Short, without the bot: `takes its token from ${ALERTS_TOKEN}, which is not set`. */
    readonly problem: string,
    /** The registry file as messages show it. */
    readonly display: string,
    /** True when there is no token at all (an unset `${ENV}`), false when one exists but cannot be read. */
    readonly empty: boolean,
    /** The `${ENV}` the token was to come from, when that is where it points. */
    readonly variable?: string,
  ) {
    super(`bot "${botName}" in ${display}${problem.startsWith('takes') ? ' ' : ': '}${problem}`)
  }
}

export function isTokenUnreadable(error: unknown): error is TokenUnreadableError {
  return error instanceof TokenUnreadableError
}

/** Reads a registry token from where it points (an env var, the keychain, or the file itself) and registers it. */
export async function resolveRegistryToken(raw: string, context: RegistryTokenContext): Promise<Sourced<string>> {
  const reference = parseTokenReference(raw)
  const source = tokenReferenceSource(reference, context.literalSource)
  const unreadable = (problem: string, empty = false) =>
    new TokenUnreadableError(context.botName, problem, context.display, empty, reference.kind === 'env' ? reference.variable : undefined)
  let value: string | undefined
  if (reference.kind === 'literal') value = reference.token
  if (reference.kind === 'env') {
    value = context.env[reference.variable]?.trim() || undefined
    if (value === undefined) throw unreadable(`takes its token from \${${reference.variable}}, which is ${noValue(context.env[reference.variable])}`, true)
  }
  if (reference.kind === 'keychain') {
    try {
      value = await readToken(reference.account)
    } catch (error) {
      // Unavailable, or an answer of its own (two entries match, a secret that is not text): either way this bot's
      // token cannot be read now, and it fails alone, as an unset ${ENV} does.
      throw unreadable(errorMessage(error))
    }
    if (value === undefined) throw unreadable(`no token stored in the keychain under ${KEYCHAIN_SERVICE}/${reference.account}`)
  }
  registerToken(value)
  return {value: value!, source}
}

export interface SavedToken {
  /** What to write as the bot's `token`: `keychain:<account>`, or the token itself when there is no keychain. */
  token: string
  /** Set when the keychain was unavailable and the token is stored literally: the door prints it. */
  warning?: string
}

/**
 * Stores a new bot's token in the OS keychain; when there is none (no Secret Service), falls back to keeping it
 * in the registry file and says so in one line.
 */
export async function saveToken(account: string, token: string): Promise<SavedToken> {
  registerToken(token)
  try {
    await storeToken(account, token)
    return {token: `${KEYCHAIN_PREFIX}${account}`}
  } catch (error) {
    if (!isKeychainUnavailable(error)) throw error
    return {token, warning: `${error.message}; the token is stored in the registry file instead`}
  }
}
