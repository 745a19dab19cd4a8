import {
  BOT_CONFIGS_VAR,
  BOT_TOKEN_VAR,
  type BotListing,
  type Env,
  type ListedBot,
  listBots,
  readEnvBotConfigs,
  readEnvToken,
  resolveBot,
} from '../config/index.js'
import {describeFailure} from '../describe-failure.js'
import {type HealthItem, item} from './health-item.js'

/** An active bot `health` talks to. */
export interface ProbeTarget {
  /** The bot's name, else its layer: `alerts`, `env TELEGRAM_BOT_TOKEN`. */
  label: string
  /** Where the bot came from: `registry ~/.config/fastpay-tg/config.yml bots[0] (alerts)`. */
  source: string
  token?: string
  /** Why the token could not be read (`ALERTS_TOKEN is not set`); set when `token` is not. */
  tokenProblem?: string
  chatIds: Array<number | string>
}

export interface TargetChoice {
  configPath?: string
  /** One bot by name or registry id. @default every active bot */
  bot?: string
  /** A token that replaces every layer. */
  token?: string
}

/**
 * The bots to probe and what the config layers say: one `config` item that reads "configured" when ANY layer has
 * an active bot (the registry, TELEGRAM_BOT_CONFIGS or TELEGRAM_BOT_TOKEN), naming them, plus one item per layer.
 */
export async function probeTargets(choice: TargetChoice, env: Env): Promise<{targets: ProbeTarget[]; items: HealthItem[]}> {
  if (choice.bot !== undefined || choice.token !== undefined) {
    const resolved = await resolveBot({bot: choice.bot, token: choice.token, configPath: choice.configPath}, env)
    const label = resolved.name ?? resolved.token.source
    const target = {label, source: resolved.token.source, token: resolved.token.value, chatIds: resolved.chats.value.map((chat) => chat.chatId)}
    return {targets: [target], items: [item('config', 'ok', `configured: ${label} (${resolved.token.source})`)]}
  }
  let listing: BotListing
  try {
    listing = await listBots(choice.configPath, env)
  } catch (error) {
    return {targets: [], items: [item('config', 'fail', describeFailure(error).message)]}
  }
  const used = listing.bots.filter((bot) => bot.active && bot.shadowedBy === undefined)
  const targets = await Promise.all(used.map((bot) => targetOf(bot, choice.configPath, env)))
  const items = [configItem(listing, used), ...layerItems(listing), ...listing.warnings.map((warning) => item('config', 'warn', warning))]
  return {targets, items}
}

function configItem(listing: BotListing, used: ListedBot[]): HealthItem {
  if (used.length === 0) {
    const where = `${listing.registry.display}, ${BOT_CONFIGS_VAR} or ${BOT_TOKEN_VAR}`
    return item('config', 'fail', `not configured: no active bot in ${where}; add one with fastpay-tg bots add`)
  }
  const groups = new Map<string, string[]>()
  for (const bot of used) {
    const layer = layerName(bot, listing)
    groups.set(layer, [...(groups.get(layer) ?? []), bot.name ?? ''])
  }
  const parts = [...groups].map(([layer, names]) => {
    const named = names.filter((name) => name !== '')
    return named.length === 0 ? layer : `${named.join(', ')} (${layer})`
  })
  return item('config', 'ok', `configured: ${parts.join('; ')}`)
}

function layerName(bot: ListedBot, listing: BotListing): string {
  if (bot.layer === 'registry') return `registry ${listing.registry.display}`
  return bot.layer === 'env-configs' ? `env ${BOT_CONFIGS_VAR}` : `env ${BOT_TOKEN_VAR}`
}

function layerItems(listing: BotListing): HealthItem[] {
  const registry = listing.bots.filter((bot) => bot.layer === 'registry')
  const active = registry.filter((bot) => bot.active).map((bot) => bot.name)
  const disabled = registry.filter((bot) => !bot.active).map((bot) => bot.name)
  const registryDetail = !listing.registryExists
    ? `${listing.registry.display}: not found`
    : `${listing.registry.display}: ${active.length} active${active.length ? ` (${active.join(', ')})` : ''}` +
      (disabled.length ? `, ${disabled.length} disabled (${disabled.join(', ')})` : '')
  const envBots = listing.bots.filter((bot) => bot.layer === 'env-configs')
  const envToken = listing.bots.find((bot) => bot.layer === 'env-token')
  const shadowed = (bot: ListedBot) => (bot.shadowedBy ? ` [shadowed by the registry]` : '')
  return [
    item('layer registry', 'ok', registryDetail),
    item(
      `layer ${BOT_CONFIGS_VAR}`,
      'ok',
      envBots.length === 0 ? 'not set' : `${envBots.length} bot${envBots.length === 1 ? '' : 's'}: ${envBots.map((bot) => `${bot.name ?? '(unnamed)'}${shadowed(bot)}`).join(', ')}`,
    ),
    item(`layer ${BOT_TOKEN_VAR}`, 'ok', envToken ? `set, ${envToken.chatIds.length} chat${envToken.chatIds.length === 1 ? '' : 's'}` : 'not set'),
  ]
}

async function targetOf(bot: ListedBot, configPath: string | undefined, env: Env): Promise<ProbeTarget> {
  const chatIds = [...bot.chatIds]
  const base = {label: bot.name ?? bot.tokenSource, source: bot.tokenSource, chatIds}
  try {
    if (bot.layer === 'registry') {
      const resolved = await resolveBot({bot: bot.name, configPath}, env)
      return {...base, token: resolved.token.value}
    }
    if (bot.layer === 'env-configs') {
      const envBot = (await readEnvBotConfigs(env)).find((candidate) => candidate.source === bot.tokenSource)
      return {...base, ...(envBot ? {token: envBot.token} : {tokenProblem: `${bot.tokenSource} is gone`})}
    }
    const token = readEnvToken(env)
    return {...base, ...(token ? {token} : {tokenProblem: `${BOT_TOKEN_VAR} is not set`})}
  } catch (error) {
    return {...base, tokenProblem: describeFailure(error).message}
  }
}
