import {deleteToken, KEYCHAIN_PREFIX, KEYCHAIN_SERVICE, loadRegistry, type RegistryBot, type RegistryLocation} from '../config/index.js'
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
 * The keychain account a bot's new token goes under: its name, unless another bot of the registry names that entry
 * (`keychain:alerts` kept by deploy after alerts was removed or renamed): storing there would hand that bot this
 * token. Then `<name>-2`, `<name>-3`, … `self`, the bot being changed, may keep its own entry.
 */
export function freeKeychainAccount(name: string, bots: readonly RegistryBot[], self?: RegistryBot): string {
  const taken = (account: string) => bots.some((bot) => bot !== self && bot.token === `${KEYCHAIN_PREFIX}${account}`)
  let account = name.toLowerCase()
  for (let suffix = 2; taken(account); suffix++) account = `${name.toLowerCase()}-${suffix}`
  return account
}
