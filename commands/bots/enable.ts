import {Args} from '@oclif/core'

import {BaseCommand} from '../base-command.js'

export default class BotsEnable extends BaseCommand<typeof BotsEnable> {
  static override summary = 'Enable a bot: it is used again by lookups.'
  static override examples = ['<%= config.bin %> bots enable alerts']
  static override args = {name: Args.string({description: 'Bot name or registry id.', required: true})}

  public async run() {
    const {setRegistryBotActive} = await import('../../src/bots/set-bot-active.js')
    const bot = await setRegistryBotActive(this.flags.config, this.args.name, true)
    this.log(`bot ${bot.name} is now enabled`)
    return {name: bot.name, id: bot.id, active: bot.active}
  }
}
