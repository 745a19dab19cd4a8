import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'

export default class BotsUpdate extends BaseCommand<typeof BotsUpdate> {
  static override summary = "Change a registry bot: its chats, forum topic, token, chat type or name."
  static override description =
    'Edits the registry file in place under its lock: comments, blank lines and key order stay as they are, and only the lines that change are rewritten. A new --token is checked as bots add checks it (its shape, then getMe unless --no-validate) and stored the same way: a literal in the OS keychain when there is one. --token - reads it from stdin, or asks for it without echo on a terminal.'

  static override examples = [
    '<%= config.bin %> bots update alerts --chat -1001234567890 --remove-chat 4242',
    '<%= config.bin %> bots update alerts --thread 7 --chat-type supergroup',
    'pass show telegram/alerts | <%= config.bin %> bots update alerts --token -',
    '<%= config.bin %> bots update deploy --rename releases',
  ]

  static override args = {name: Args.string({description: 'Bot name or registry id.', required: true})}

  static override flags = {
    chat: Flags.string({description: 'Chat id or @username to add; repeatable, or comma-separated.', multiple: true, multipleNonGreedy: true}),
    'remove-chat': Flags.string({description: 'Chat id or @username to remove; repeatable, or comma-separated.', multiple: true, multipleNonGreedy: true}),
    thread: Flags.integer({description: 'Forum topic id (message_thread_id) to send to.', min: 1}),
    'remove-thread': Flags.boolean({description: 'Send to the chats themselves, not to a forum topic.'}),
    'chat-type': Flags.option({description: 'What the chats are (cached for listings).', options: ['private', 'group', 'supergroup', 'channel'] as const})(),
    rename: Flags.string({description: 'New name for the bot (case-insensitive, unique in the registry).'}),
    'no-keychain': Flags.boolean({description: 'Keep a new literal token in the registry file.'}),
    'no-validate': Flags.boolean({description: 'Do not check a new token with Telegram (getMe).'}),
  }

  public async run() {
    const {updateRegistryBot} = await import('../../src/bots/update-bot.js')
    const {bot, changes, tokenStorage, username, warnings} = await updateRegistryBot(
      {
        selector: this.args.name,
        addChats: this.flags.chat,
        removeChats: this.flags['remove-chat'],
        thread: this.flags.thread,
        removeThread: this.flags['remove-thread'],
        token: await this.readToken(),
        chatType: this.flags['chat-type'],
        rename: this.flags.rename,
        noKeychain: this.flags['no-keychain'],
        noValidate: this.flags['no-validate'],
        configPath: this.flags.config,
      },
      process.env,
      this.clientOptions,
    )
    for (const warning of warnings) this.warnLine(warning)
    const who = username === undefined ? '' : ` (@${username})`
    this.log(changes.length === 0 ? `bot ${bot.name}: nothing changed` : `updated bot ${bot.name}${who}: ${changes.join('; ')}`)
    return {
      name: bot.name,
      id: bot.id,
      changes,
      chatIds: bot.chat_ids,
      ...(bot.message_thread_id === undefined ? {} : {threadId: bot.message_thread_id}),
      ...(bot.chat_type === undefined ? {} : {chatType: bot.chat_type}),
      ...(tokenStorage === undefined ? {} : {tokenStorage}),
      ...(username === undefined ? {} : {username}),
    }
  }

  /** `--token VALUE` as given; `--token -` from stdin, or the hidden prompt on a terminal; no --token, no change. */
  private async readToken(): Promise<string | undefined> {
    if (this.flags.token !== '-') return this.flags.token
    const {readDashToken} = await import('../../src/bots/read-token.js')
    return readDashToken(this.args.name, process.stdin, process.stderr)
  }
}
