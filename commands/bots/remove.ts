import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'

export default class BotsRemove extends BaseCommand<typeof BotsRemove> {
  static override summary = 'Remove a bot from the registry, and its token from the keychain.'
  static override description =
    'On a terminal you are asked first; --yes skips the question. Answering no cancels (exit 2). Without a terminal (cron, CI, a pipe) --yes is required: the command refuses with exit 2 rather than remove on a default. The keychain entry stays while another bot names it (keychain:alerts under two bots); a keychain that does not answer leaves it, with one warning line.'
  static override examples = ['<%= config.bin %> bots remove deploy', '<%= config.bin %> bots remove deploy --yes']
  static override args = {name: Args.string({description: 'Bot name or registry id.', required: true})}
  static override flags = {yes: Flags.boolean({char: 'y', description: 'Remove without asking.'})}

  public async run() {
    const [{findRemovableBot, removeRegistryBot}, {confirmOrRefuse}, {UserError}] = await Promise.all([
      import('../../src/bots/manage.js'),
      import('../../src/bots/confirm.js'),
      import('../../src/user-error.js'),
    ])
    const {bot, registry} = await findRemovableBot(this.args.name, this.flags.config)
    const agreed = await confirmOrRefuse(`remove bot ${bot.name}${idText(bot.id)} from ${registry}`, this.flags.yes, process.stdin, process.stderr)
    // Declining is a cancellation, as in gh: exit 2, so a wrapper script does not carry on as if it were gone.
    if (!agreed) throw new UserError(`cancelled: bot ${bot.name} was kept`)
    const {bot: removed, warnings} = await removeRegistryBot(String(bot.name), this.flags.config)
    this.log(`removed bot ${removed.name}${idText(removed.id)}`)
    for (const warning of warnings) this.warnLine(warning)
    return {name: removed.name, id: removed.id}
  }
}

function idText(id: number | undefined): string {
  return id === undefined ? '' : ` (id ${id})`
}
