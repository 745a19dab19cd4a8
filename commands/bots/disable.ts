import {Args} from '@oclif/core'

import {BaseCommand} from '../base-command.js'

export default class BotsDisable extends BaseCommand<typeof BotsDisable> {
  static override summary = 'Disable a bot: lookups skip it (a lower config layer may then answer).'
  static override examples = ['<%= config.bin %> bots disable alerts']
  static override args = {name: Args.string({description: 'Bot name or registry id.', required: true})}

  public async run() {
    const {setRegistryBotActive} = await import('../../src/bots/set-bot-active.js')
    const bot = await setRegistryBotActive(this.flags.config, this.args.name, false)
    this.log(`bot ${bot.name} is now disabled`)
    return {name: bot.name, id: bot.id, active: bot.active}
  }
}
