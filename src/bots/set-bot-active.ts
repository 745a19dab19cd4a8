import {type Env, findRegistryBot, loadRegistry, locateRegistry, type RegistryBot, setActive} from '../config/index.js'
import {unknownRegistryBot} from './unknown-registry-bot.js'

/**
 * `bots enable` / `bots disable`: a name the registry lacks but TELEGRAM_BOT_CONFIGS has is named with where it is,
 * as `bots remove` and `bots update` name it, not as a typo.
 */
export async function setRegistryBotActive(configPath: string | undefined, selector: string, active: boolean, env: Env = process.env): Promise<RegistryBot> {
  const location = locateRegistry(configPath, env)
  if (!findRegistryBot((await loadRegistry(location)).bots, selector)) throw await unknownRegistryBot(selector, location, env)
  return setActive(location, selector, active)
}
