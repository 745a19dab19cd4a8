import {Flags} from '@oclif/core'

import type {LinkedChat} from '../../src/store/link-store.js'
import {BaseCommand} from '../base-command.js'

export default class WebhookLinks extends BaseCommand<typeof WebhookLinks, {linked_chats: LinkedChat[]}> {
  static override summary = 'List the chats that linked themselves with /link TOKEN, and what they receive.'
  static override description = 'Read from the state store (the state dir, or Redis when FASTPAY_TG_STORE or the registry names it). --bot keeps the chats linked through that bot.'
  static override examples = ['<%= config.bin %> webhook links', '<%= config.bin %> webhook links --bot alerts --json']

  static override flags = {'state-dir': Flags.string({description: 'The file store (when no Redis is configured).', env: 'FASTPAY_TG_STATE_DIR'})}

  public async run(): Promise<{linked_chats: LinkedChat[]}> {
    const {flags} = this
    const {listLinkedChats, withLinkStore} = await import('../../src/webhook/manage-links.js')
    const request = {stateDir: flags['state-dir'], configPath: flags.config, onWarning: (line: string) => this.warnLine(line)}
    const linked = await withLinkStore(request, (links) => listLinkedChats(links, {bot: flags.bot}))
    if (linked.length === 0) this.log('no linked chats')
    for (const chat of linked) {
      const title = chat.title ? ` (${chat.title})` : ''
      const by = chat.linked_by ? ` by ${chat.linked_by}` : ''
      this.log(`${chat.chat_id}${title} via ${chat.bot ?? 'any bot'}: ${chat.channels.join(', ')}; linked ${chat.linked_at}${by}`)
    }
    return {linked_chats: linked}
  }
}
