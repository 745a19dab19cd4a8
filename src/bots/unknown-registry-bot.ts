import {BOT_CONFIGS_VAR, type Env, readEnvBotConfigs, type RegistryLocation} from '../config/index.js'
import {UserError} from '../user-error.js'

/**
 * The error for a NAME `bots remove` / `bots update` cannot find in the registry. An operator moving from the old
 * backend's TELEGRAM_BOT_CONFIGS sees the bot in `bots list` and `config show`: "unknown bot" alone would read as a
 * typo, so a bot of that layer is named with where it is and how to move it.
 */
export async function unknownRegistryBot(selector: string, location: RegistryLocation, env: Env): Promise<UserError> {
  let name: string | undefined
  try {
    name = (await readEnvBotConfigs(env)).find((bot) => bot.name?.toLowerCase() === selector.trim().toLowerCase())?.name
  } catch {
    // A TELEGRAM_BOT_CONFIGS that cannot be read says so in the commands that use it; here it only adds no hint.
  }
  if (name === undefined) return new UserError(`unknown bot "${selector}": not in ${location.display}`)
  return new UserError(
    `bot "${name}" is in ${BOT_CONFIGS_VAR}, not in ${location.display}: bots remove, update, enable and disable change registry bots; to move it there: fastpay-tg bots add ${name} --token - --chat …`,
  )
}
