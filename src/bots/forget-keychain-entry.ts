import {deleteToken, isKeychainUnavailable, KEYCHAIN_PREFIX, KEYCHAIN_SERVICE, loadRegistry, readToken, type RegistryBot, type RegistryLocation} from '../config/index.js'
import {errorMessage} from '../support/error-message.js'

/**
 * Deletes the keychain entry `account` once the bot `owner` no longer names it, unless another bot of the registry
 * still does: a registry moved from the Django backend gives one Telegram bot to several channels (alerts and
 * deploy both `keychain:alerts`), and deleting the entry with one of them would leave the others without a token.
 * Call it after the registry edit is written. Returns a warning line when the entry stays behind unwanted: the
 * keychain did not answer.
 */
export async function forgetKeychainEntry(account: string, owner: string, location: RegistryLocation): Promise<string | undefined> {
  const {bots} = await loadRegistry(location)
  if (bots.some((bot) => bot.token === `${KEYCHAIN_PREFIX}${account}`)) return undefined
  try {
    await deleteToken(account)
    return undefined
  } catch (error) {
    return `the token of ${owner} stays in the keychain under ${KEYCHAIN_SERVICE}/${account} (${errorMessage(error)}): delete it there`
  }
}

/**
 * The keychain account a bot's new token goes under: its name, unless that entry is someone else's: another bot of
 * the registry names it (`keychain:alerts` kept by deploy after alerts was removed or renamed), or the keychain holds
 * it already (another registry file's bot of that name: `--config a.yml` and `--config b.yml` both with alerts; an
 * entry left behind). Storing there would hand that bot this token. Then `<name>-2`, `<name>-3`, … `self`, the bot
 * being changed, keeps its own entry.
 */
export async function freeKeychainAccount(name: string, bots: readonly RegistryBot[], self?: RegistryBot): Promise<string> {
  const own = (account: string) => self?.token === `${KEYCHAIN_PREFIX}${account}`
  const named = (account: string) => bots.some((bot) => bot !== self && bot.token === `${KEYCHAIN_PREFIX}${account}`)
  let account = name.toLowerCase()
  for (let suffix = 2; named(account) || (!own(account) && (await keychainHolds(account))); suffix++) account = `${name.toLowerCase()}-${suffix}`
  return account
}

/**
 * True when the keychain holds an entry under `account`, or answers about it with an error of its own (two entries
 * match): either way not one to write over. No keychain at all: false, and the token goes to the file instead.
 */
async function keychainHolds(account: string): Promise<boolean> {
  try {
    return (await readToken(account)) !== undefined
  } catch (error) {
    return !isKeychainUnavailable(error)
  }
}
