import {Args, Flags} from '@oclif/core'

import {UserError} from '../../src/user-error.js'
import type {Unlinked} from '../../src/webhook/manage-links.js'
import {BaseCommand} from '../base-command.js'

export default class WebhookUnlink extends BaseCommand<typeof WebhookUnlink, {unlinked: Unlinked[]}> {
  static override summary = 'Stop a linked chat from receiving its channels (or one channel), as /stop would.'
  static override description = 'Exit codes: 0 unlinked, 2 bad input or the chat is not linked.'
  static override examples = ['<%= config.bin %> webhook unlink 4242', '<%= config.bin %> webhook unlink -1001234567890 --channel digest']
  static override args = {chat: Args.string({description: 'The chat id.', required: true})}
  static override flags = {
    channel: Flags.string({description: 'Only this channel; the chat keeps the others.'}),
    'state-dir': Flags.string({description: 'The file store (when no Redis is configured).', env: 'FASTPAY_TG_STATE_DIR'}),
  }

  public async run(): Promise<{unlinked: Unlinked[]}> {
    const chatId = Number(this.args.chat)
    if (!/^-?\d+$/.test(this.args.chat) || !Number.isSafeInteger(chatId)) throw new UserError(`CHAT: expected a numeric chat id, got "${this.args.chat}"`)
    const {flags} = this
    const {unlinkLinkedChat, withLinkStore} = await import('../../src/webhook/manage-links.js')
    const request = {stateDir: flags['state-dir'], configPath: flags.config, onWarning: (line: string) => this.warnLine(line)}
    const unlinked = await withLinkStore(request, (links) => unlinkLinkedChat(links, chatId, {bot: flags.bot, channel: flags.channel}))
    const what = this.flags.channel === undefined ? '' : ` to ${this.flags.channel}`
    if (unlinked.length === 0) throw new UserError(`chat ${chatId} is not linked${what}${this.flags.bot ? ` through ${this.flags.bot}` : ''}`)
    for (const entry of unlinked) this.log(`unlinked ${chatId}${entry.bot ? ` (via ${entry.bot})` : ''}: no longer receives ${entry.channels.join(', ')}`)
    return {unlinked}
  }
}
