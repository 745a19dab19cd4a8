import type {LinkedChat} from '../../src/config/registry-sections.js'
import {BaseCommand} from '../base-command.js'

export default class WebhookLinks extends BaseCommand<typeof WebhookLinks, {linked_chats: LinkedChat[]}> {
  static override summary = 'List the chats that linked themselves with /link TOKEN, and what they receive.'
  static override description = 'Read from linked_chats: in the registry file. --bot keeps the chats linked through that bot.'
  static override examples = ['<%= config.bin %> webhook links', '<%= config.bin %> webhook links --bot alerts --json']

  public async run(): Promise<{linked_chats: LinkedChat[]}> {
    const {listLinkedChats} = await import('../../src/webhook/manage-links.js')
    const linked = await listLinkedChats({configPath: this.flags.config, bot: this.flags.bot})
    if (linked.length === 0) this.log('no linked chats')
    for (const chat of linked) {
      const title = chat.title ? ` (${chat.title})` : ''
      const by = chat.linked_by ? ` by ${chat.linked_by}` : ''
      this.log(`${chat.chat_id}${title} via ${chat.bot ?? 'any bot'}: ${chat.channels.join(', ')}; linked ${chat.linked_at}${by}`)
    }
    return {linked_chats: linked}
  }
}
