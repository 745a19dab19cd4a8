import {Flags} from '@oclif/core'

import type {DiscoveredChat} from '../src/discover.js'
import {BaseCommand} from './base-command.js'

export default class Discover extends BaseCommand<typeof Discover, {chats: DiscoveredChat[]}> {
  static override summary = 'List the chats your bot has seen (ids, types, titles, forum topics).'
  static override description = `Reads pending updates with getUpdates without confirming them, so nothing is consumed. Write a message to the bot (or in the group) first. getUpdates does not work while a webhook is set: use --lookup, or delete the webhook. --lookup @name|ID asks getChat for one chat instead.`

  static override examples = ['<%= config.bin %> discover --bot alerts', '<%= config.bin %> discover --lookup @fastpay_status']

  static override flags = {
    lookup: Flags.string({description: 'Look one chat up by @username or id (getChat).'}),
  }

  public async run(): Promise<{chats: DiscoveredChat[]}> {
    const [{openBot}, {discoverChats, lookupChat}, {parseChatId}, {UserError}] = await Promise.all([
      import('../src/bot-session.js'),
      import('../src/discover.js'),
      import('../src/config/index.js'),
      import('../src/user-error.js'),
    ])
    const {resolved, client} = await openBot({bot: this.flags.bot, token: this.flags.token, configPath: this.flags.config}, this.clientOptions)
    for (const warning of resolved.warnings) this.warnLine(warning)

    let chats: DiscoveredChat[]
    if (this.flags.lookup === undefined) {
      chats = await discoverChats(client)
    } else {
      const chatId = parseChatId(this.flags.lookup)
      if (chatId === undefined) throw new UserError(`--lookup: "${this.flags.lookup}" is not a chat id (integer or @username)`)
      chats = [await lookupChat(client, chatId)]
    }
    if (chats.length === 0) {
      this.log('No chats in the pending updates. Send the bot a message (or mention it in the group), then run discover again.')
    }
    for (const chat of chats) {
      const username = chat.username ? ` @${chat.username}` : ''
      const topics = chat.topics.length ? `  topics: ${chat.topics.map((topic) => topic.name ? `${topic.threadId} (${topic.name})` : topic.threadId).join(', ')}` : ''
      this.log(`${String(chat.id).padEnd(16)} ${chat.type.padEnd(10)} ${chat.title}${username}${topics}`)
    }
    return {chats}
  }
}
