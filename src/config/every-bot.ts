import {readEnvBotConfigs} from './env-layers.js'
import type {Env, RegistryLocation} from './paths.js'
import {loadRegistry} from './registry-file.js'
import type {ResolvedBot} from './types.js'

/**
 * A bot `--all` and a `webhook serve` without `--bot` act on: a name, resolved as `--bot NAME` is; or a
 * `TELEGRAM_BOT_CONFIGS` entry without a name, which no `--bot` can pick, by its token (`source` names the entry).
 */
export type BotPick = {bot: string} | {token: string; source: string}

/**
 * Every active registry bot, then every `TELEGRAM_BOT_CONFIGS` entry no active registry bot answers for by name (the
 * backend's environment has no registry, and its webhook view served every bot of that list, named or not). An
 * entry whose token an earlier bot has is the same Telegram bot, with one webhook: callers skip it once the tokens
 * are read (`sameBotAsEarlier`).
 */
export async function everyActiveBot(location: RegistryLocation, env: Env): Promise<BotPick[]> {
  const names = (await loadRegistry(location)).bots.filter((bot) => bot.active).map((bot) => bot.name)
  const picks: BotPick[] = names.map((bot) => ({bot}))
  const taken = new Set(names.map((name) => name.toLowerCase()))
  for (const entry of await readEnvBotConfigs(env)) {
    if (entry.name === undefined) {
      picks.push({token: entry.token, source: entry.source})
      continue
    }
    if (taken.has(entry.name.toLowerCase())) continue
    taken.add(entry.name.toLowerCase())
    picks.push({bot: entry.name})
  }
  return picks
}

/** The bot an unnamed entry's token resolved to, said to be that entry (its label, and one bot per token). */
export function asEnvEntry(resolved: ResolvedBot, source: string): ResolvedBot {
  return {...resolved, layer: 'env-configs', token: {value: resolved.token.value, source}}
}

/** A TELEGRAM_BOT_CONFIGS bot whose token one already chosen has: the same Telegram bot under another name. */
export function sameBotAsEarlier(layer: string, token: string, earlierTokens: ReadonlySet<string>): boolean {
  return layer === 'env-configs' && earlierTokens.has(token)
}
