import {BOT_NAME} from '../config/index.js'
import {UserError} from '../user-error.js'

// Checked before the registry is edited: the file's own validator would name the bot's entry in the file
// (`config.yml: bots[3].name`), as if the file were wrong, for what the command line said.

/** A bot's name from the command line (`NAME`, `--rename`). */
export function checkBotName(where: string, name: string): void {
  if (!BOT_NAME.test(name)) throw new UserError(`${where}: ${JSON.stringify(name)} is not a bot name (a letter, then up to 63 of A-Z a-z 0-9 _ . -)`)
}
