import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'

export default class BotsAdd extends BaseCommand<typeof BotsAdd> {
  static override summary = 'Add a bot to the registry.'
  static override description = `A literal token is stored in the OS keychain when one is available (else in the registry file, which is
then kept mode 0600). Give --token '\${ENV_VAR}' to keep only a reference to an environment variable.`

  static override examples = [
    '<%= config.bin %> bots add alerts --token 123456:ABC... --chat -1001234567890',
    "<%= config.bin %> bots add deploy --token '${DEPLOY_BOT_TOKEN}' --chat -1001234567890 --thread 7",
  ]

  static override args = {name: Args.string({description: 'Bot name (case-insensitive), e.g. alerts, deploy, health.', required: true})}

  static override flags = {
    chat: Flags.string({description: 'Chat id or @username; repeatable, or comma-separated.', multiple: true, multipleNonGreedy: true}),
    thread: Flags.integer({description: 'Forum topic id (message_thread_id).'}),
    'chat-type': Flags.option({options: ['private', 'group', 'supergroup', 'channel'] as const})(),
    inactive: Flags.boolean({description: 'Add the bot disabled.'}),
    'no-keychain': Flags.boolean({description: 'Keep a literal token in the registry file.'}),
  }

  public async run() {
    const [{addRegistryBot}, {UserError}] = await Promise.all([import('../../src/bots/manage.js'), import('../../src/user-error.js')])
    if (this.flags.token === undefined) throw new UserError('--token: required to add a bot (a token, ${ENV_VAR} or keychain:<account>)')
    const {bot, tokenStorage, warnings} = await addRegistryBot({
      name: this.args.name,
      token: this.flags.token,
      chats: this.flags.chat,
      thread: this.flags.thread,
      chatType: this.flags['chat-type'],
      active: !this.flags.inactive,
      noKeychain: this.flags['no-keychain'],
      configPath: this.flags.config,
    })
    for (const warning of warnings) this.warnLine(warning)
    this.log(`added bot ${bot.name} (id ${bot.id}); token in ${tokenStorage}; chats: ${bot.chat_ids.join(', ') || 'none'}`)
    return {name: bot.name, id: bot.id, active: bot.active, chatIds: bot.chat_ids, tokenStorage}
  }
}
