import {UserError} from '../user-error.js'

/**
 * `--bot "$BOT"` with the variable unset: "" is no name. Refused by every door, whether it resolves a bot (the seed's
 * fallback took "" for a name no layer has, and sent) or filters by one (`alert outbox`, `webhook unlink`).
 */
export function checkBotFlag(value: string | undefined): void {
  if (value !== undefined && value.trim() === '') throw new UserError(`--bot: no bot name in ${JSON.stringify(value)}`)
}
