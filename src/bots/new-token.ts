// A token given to `bots add` or `bots update`: checked the same way by both, before anything is written.
import {apiRootFromEnv, BotApiClient} from '../api/index.js'
import type {OpenBotOptions} from '../bot-session.js'
import {BOT_TOKEN_SHAPE, type BotInfo, ENV_REFERENCE, type Env, KEYCHAIN_PREFIX, saveToken} from '../config/index.js'
import {describeFailure} from '../describe-failure.js'
import {registerToken} from '../redact.js'
import {UserError} from '../user-error.js'

export interface ShapedToken {
  /** Trimmed: a literal token, `${ENV_VAR}` or `keychain:<account>`. */
  token: string
  /** True for `${ENV_VAR}` and `keychain:<account>`, which are stored as written. */
  isReference: boolean
}

/** Refuses an empty value, or a literal that is not shaped like a bot token, without ever echoing it. */
export function checkTokenShape(raw: string): ShapedToken {
  const token = raw.trim()
  if (token === '') throw new UserError('--token: the token is empty')
  const isReference = ENV_REFERENCE.test(token) || token.startsWith(KEYCHAIN_PREFIX)
  if (!isReference) registerToken(token)
  if (!isReference && !BOT_TOKEN_SHAPE.test(token)) {
    throw new UserError('--token: not shaped like a bot token (<digits>:<30 or more of A-Z a-z 0-9 _ ->, as @BotFather gives it)')
  }
  return {token, isReference}
}

/** The token a reference stands for, when it can be read now (a literal, or a set `${ENV}`). */
export function tokenValue(token: string, env: Env): string | undefined {
  const variable = ENV_REFERENCE.exec(token)?.[1]
  if (variable !== undefined) return env[variable]?.trim() || undefined
  return token.startsWith(KEYCHAIN_PREFIX) ? undefined : token
}

/** Who a token belongs to, as getMe answered: what `bots list` shows without asking Telegram again. */
export interface TokenOwner {
  username?: string
  firstName: string
}

/**
 * getMe with the new token: who it belongs to. Telegram refusing it is a usage error ("…; nothing was added"); no
 * answer is only a warning ("added without checking"). `verb` is what the command does with the bot.
 */
export async function checkWithTelegram(
  token: string | undefined,
  env: Env,
  options: OpenBotOptions,
  warnings: string[],
  verb: 'added' | 'changed',
): Promise<TokenOwner | undefined> {
  if (token === undefined) return undefined
  registerToken(token)
  const client = new BotApiClient({token, apiRoot: apiRootFromEnv(env).value, debug: options.debug, timeoutMs: options.timeoutMs, retry: {maxRetries: 1}})
  try {
    const me = await client.getMe()
    return {username: me.username, firstName: me.first_name}
  } catch (error) {
    const failure = describeFailure(error)
    if (failure.code === 'telegram' && (failure.telegramErrorCode === 401 || failure.telegramErrorCode === 404)) {
      throw new UserError(`--token: ${failure.message}; nothing was ${verb} (--no-validate skips this check)`)
    }
    warnings.push(`could not check the token with Telegram (${failure.message}): ${verb} without checking`)
    return undefined
  }
}

/**
 * What getMe told `bots add` about a new token, kept as `sync-info` keeps it: `bots list` then names the bot without
 * asking Telegram. The chats' names are left to `sync-info`.
 */
export function ownerInfo(owner: TokenOwner | undefined): BotInfo | undefined {
  return owner && {...(owner.username === undefined ? {} : {username: owner.username}), first_name: owner.firstName}
}

/**
 * `bots update --token`: the bot's names become the new token's, as `bots add` keeps them (a bot with none cached
 * gets them too, so `bots list` can name it). With a token not checked (--no-validate, a reference, Telegram
 * unreachable) the cached names are dropped, since they may be another bot's now. The chats' names stay. `null`
 * removes the whole `info`; undefined leaves it as it is.
 */
export function refreshedOwnerInfo(owner: TokenOwner | undefined, info: BotInfo | undefined): BotInfo | null | undefined {
  if (info === undefined) return ownerInfo(owner)
  const {username: _username, first_name: _firstName, ...rest} = info
  const refreshed = {...ownerInfo(owner), ...rest}
  return Object.keys(refreshed).length > 0 ? refreshed : null
}

/**
 * Where a checked token goes: a literal into the OS keychain under `account` (unless `noKeychain`, or there is no
 * keychain: then the file, with a warning); a reference as written. `keychainAccount` is set when the keychain took it.
 */
export async function storeNewToken(
  account: string,
  shaped: ShapedToken,
  noKeychain: boolean | undefined,
  warnings: string[],
): Promise<{token: string; keychainAccount?: string}> {
  if (shaped.isReference || noKeychain) return {token: shaped.token}
  const saved = await saveToken(account, shaped.token)
  if (saved.warning) {
    warnings.push(saved.warning)
    return {token: saved.token}
  }
  return {token: saved.token, keychainAccount: account}
}

/** Where the registry's token value keeps the token, for the door's message. */
export function describeStorage(token: string): string {
  if (token.startsWith(KEYCHAIN_PREFIX)) return `OS keychain (fastpay-tg/${token.slice(KEYCHAIN_PREFIX.length)})`
  const variable = ENV_REFERENCE.exec(token)?.[1]
  return variable ? `environment variable ${variable}` : 'registry file (literal)'
}
