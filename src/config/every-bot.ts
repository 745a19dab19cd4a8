import {readEnvBotConfigs} from './env-layers.js'
import type {Env, RegistryLocation} from './paths.js'
import {loadRegistry} from './registry-file.js'

/**
 * The names `--all` and a `webhook serve` without `--bot` act on, each resolving as `--bot NAME` does: every active
 * registry bot, then every named `TELEGRAM_BOT_CONFIGS` entry no active registry bot answers for (the backend's
 * environment has no registry, and its webhook view served every bot of that list). An entry whose token an earlier
 * bot has is the same Telegram bot, with one webhook: callers skip it once the tokens are read (`sameBotAsEarlier`).
 */
export async function everyActiveBotName(location: RegistryLocation, env: Env): Promise<string[]> {
  const names = (await loadRegistry(location)).bots.filter((bot) => bot.active).map((bot) => bot.name)
  const taken = new Set(names.map((name) => name.toLowerCase()))
  for (const entry of await readEnvBotConfigs(env)) {
    if (entry.name === undefined || taken.has(entry.name.toLowerCase())) continue
    taken.add(entry.name.toLowerCase())
    names.push(entry.name)
  }
  return names
}

/** A TELEGRAM_BOT_CONFIGS bot whose token one already chosen has: the same Telegram bot under another name. */
export function sameBotAsEarlier(layer: string, token: string, earlierTokens: ReadonlySet<string>): boolean {
  return layer === 'env-configs' && earlierTokens.has(token)
}
