import {Args} from '@oclif/core'

import {BaseCommand} from '../base-command.js'

export default class BotsRemove extends BaseCommand<typeof BotsRemove> {
  static override summary = 'Remove a bot from the registry, and its token from the keychain.'
  static override examples = ['<%= config.bin %> bots remove deploy']
  static override args = {name: Args.string({description: 'Bot name or registry id.', required: true})}

  public async run() {
    const {removeRegistryBot} = await import('../../src/bots/manage.js')
    const removed = await removeRegistryBot(this.args.name, this.flags.config)
    this.log(`removed bot ${removed.name} (id ${removed.id})`)
    return {name: removed.name, id: removed.id}
  }
}
