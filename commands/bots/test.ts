import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'

export default class BotsTest extends BaseCommand<typeof BotsTest> {
  static override summary = "Send a test message to a bot's chats."
  static override examples = ['<%= config.bin %> bots test alerts', '<%= config.bin %> bots test alerts --chat 42']
  static override args = {name: Args.string({description: 'Bot name or registry id (default: the default bot).'})}
  static override flags = {chat: Flags.string({description: 'Send to this chat instead; repeatable.', multiple: true, multipleNonGreedy: true})}

  public async run() {
    const {sendTestMessage} = await import('../../src/bots/manage.js')
    const {deliveries, notes} = await sendTestMessage(this.args.name ?? this.flags.bot, {
      configPath: this.flags.config,
      token: this.flags.token,
      chats: this.flags.chat,
      ...this.clientOptions,
    })
    for (const note of notes) this.warnLine(note)
    return {deliveries: this.reportDeliveries(deliveries, 'test message sent')}
  }
}
