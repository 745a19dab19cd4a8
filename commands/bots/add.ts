import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'

export default class BotsAdd extends BaseCommand<typeof BotsAdd> {
  static override summary = 'Add a bot to the registry.'
  static override description = `A literal token is stored in the OS keychain when one is available (else in the registry file, which is then kept mode 0600). Give --token '\${ENV_VAR}' to keep only a reference to an environment variable, --token - to read the token from stdin, or no --token on a terminal to be asked for it (not echoed). A literal token must look like one (<digits>:<30+ characters>); when Telegram answers, getMe checks it and the bot's @username is shown (--no-validate skips that). A --config file that does not exist yet is created.`

  static override examples = [
    '<%= config.bin %> bots add alerts --chat -1001234567890',
    'pass show telegram/deploy | <%= config.bin %> bots add deploy --token - --chat -1001234567890 --thread 7',
    "<%= config.bin %> bots add deploy --token '${DEPLOY_BOT_TOKEN}' --chat -1001234567890",
  ]

  static override args = {name: Args.string({description: 'Bot name (case-insensitive), e.g. alerts, deploy, health.', required: true})}

  static override flags = {
    chat: Flags.string({description: 'Chat id or @username; repeatable, or comma-separated.', multiple: true, multipleNonGreedy: true}),
    thread: Flags.integer({description: 'Forum topic id (message_thread_id).', min: 1}),
    'chat-type': Flags.option({description: 'What the chats are (cached for listings).', options: ['private', 'group', 'supergroup', 'channel'] as const})(),
    inactive: Flags.boolean({description: 'Add the bot disabled.'}),
    'no-keychain': Flags.boolean({description: 'Keep a literal token in the registry file.'}),
    'no-validate': Flags.boolean({description: 'Do not check the token with Telegram (getMe).'}),
  }

  public async run() {
    const [{addRegistryBot}, {UserError}] = await Promise.all([import('../../src/bots/manage.js'), import('../../src/user-error.js')])
    const {bot, tokenStorage, username, warnings} = await addRegistryBot(
      {
        name: this.args.name,
        token: await this.readToken(UserError),
        chats: this.flags.chat,
        thread: this.flags.thread,
        chatType: this.flags['chat-type'],
        active: !this.flags.inactive,
        noKeychain: this.flags['no-keychain'],
        noValidate: this.flags['no-validate'],
        configPath: this.flags.config,
      },
      process.env,
      this.clientOptions,
    )
    for (const warning of warnings) this.warnLine(warning)
    const who = username === undefined ? '' : `, @${username}`
    this.log(`added bot ${bot.name} (id ${bot.id}${who}); token in ${tokenStorage}; chats: ${bot.chat_ids.join(', ') || 'none'}`)
    return {name: bot.name, id: bot.id, active: bot.active, chatIds: bot.chat_ids, tokenStorage, ...(username === undefined ? {} : {username})}
  }

  /** `--token VALUE`, `--token -` (stdin, or the hidden prompt on a terminal), or the hidden prompt. */
  private async readToken(UserError: typeof import('../../src/user-error.js').UserError): Promise<string> {
    const given = this.flags.token
    if (given !== undefined && given !== '-') return given
    const {readDashToken} = await import('../../src/bots/read-token.js')
    if (given === '-' || process.stdin.isTTY) return readDashToken(this.args.name, process.stdin, process.stderr)
    throw new UserError('--token: required to add a bot (a token, ${ENV_VAR}, keychain:<account>, or - to read it from stdin)')
  }
}
