import type {RegistryBot} from './registry-file.js'

/** A bot by registry id (a number or a string of digits) or by name, in any case. */
export type BotSelector = string | number

/** Finds a registry bot by id or name, active or not. Names start with a letter, so the two never clash. */
export function findRegistryBot(bots: readonly RegistryBot[], selector: BotSelector): RegistryBot | undefined {
  const text = String(selector).trim()
  if (/^\d+$/.test(text)) return bots.find((bot) => bot.id === Number(text))
  return bots.find((bot) => bot.name.toLowerCase() === text.toLowerCase())
}
