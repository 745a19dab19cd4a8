import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'

export default class BotsTest extends BaseCommand<typeof BotsTest> {
  static override summary = "Send a test message to a bot's chats."
  static override description =
    'Without flags, a line naming this host and the time goes to every chat of the bot, in its forum topic. --message, --chat and --thread replace the text, the chats and the topic.'
  static override examples = [
    '<%= config.bin %> bots test alerts',
    '<%= config.bin %> bots test alerts --chat 42',
    '<%= config.bin %> bots test deploy --message "deploy bot check" --chat -1001234567890 --thread 7',
  ]
  static override args = {name: Args.string({description: 'Bot name or registry id (default: the default bot).'})}
  static override flags = {
    message: Flags.string({description: 'Text to send instead of the default test line.'}),
    chat: Flags.string({description: 'Send to this chat instead; repeatable.', multiple: true, multipleNonGreedy: true}),
    thread: Flags.integer({description: 'Forum topic id (message_thread_id) instead of the bot’s own.', min: 1}),
  }

  public async run() {
    const {sendTestMessage} = await import('../../src/bots/manage.js')
    const {deliveries, notes} = await sendTestMessage(this.args.name ?? this.flags.bot, {
      configPath: this.flags.config,
      token: this.flags.token,
      chats: this.flags.chat,
      thread: this.flags.thread,
      message: this.flags.message,
      ...this.clientOptions,
    })
    for (const note of notes) this.warnLine(note)
    return {deliveries: this.reportDeliveries(deliveries, 'test message sent')}
  }
}
