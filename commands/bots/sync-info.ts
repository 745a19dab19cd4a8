import {Args} from '@oclif/core'

import {BaseCommand} from '../base-command.js'

export default class BotsSyncInfo extends BaseCommand<typeof BotsSyncInfo> {
  static override summary = "Cache the bot's username and its chats' titles and types in the registry."
  static override examples = ['<%= config.bin %> bots sync-info alerts']
  static override args = {name: Args.string({description: 'Bot name or registry id.', required: true})}

  public async run() {
    const {syncBotInfo} = await import('../../src/bots/manage.js')
    const {info, failures} = await syncBotInfo(this.args.name, {configPath: this.flags.config, ...this.clientOptions})
    this.log(`@${info.username}: ${info.first_name}`)
    for (const [chatId, chat] of Object.entries(info.chats ?? {})) {
      this.log(`  ${chatId.padEnd(16)} ${String(chat.type).padEnd(10)} ${chat.title ?? ''}${chat.username ? ` @${chat.username}` : ''}`)
    }
    // Each chat Telegram refused, as bots test names them; the others are cached all the same.
    for (const failure of failures) process.stderr.write(`Error: ${failure.chatId}: ${failure.error.message}\n`)
    this.exitWithWorst(failures)
    return {name: this.args.name, info, ...(failures.length > 0 ? {failures: failures.map(({chatId, error}) => ({chatId, error: error.message}))} : {})}
  }
}
