import {Flags} from '@oclif/core'

import type {OutboxListing} from '../../src/store/outbox-types.js'
import {BaseCommand} from '../base-command.js'

export default class AlertOutbox extends BaseCommand<typeof AlertOutbox, OutboxListing> {
  static override summary = 'List what waits in the outbox: alerts, digests, `send --outbox` messages.'
  static override examples = ['<%= config.bin %> alert outbox', '<%= config.bin %> alert outbox --json']
  static override flags = {'state-dir': Flags.string({description: 'Throttle and outbox directory.', env: 'FASTPAY_TG_STATE_DIR'})}

  public async run(): Promise<OutboxListing> {
    const {openAlertState} = await import('../../src/alert/index.js')
    const state = await openAlertState(this.flags['state-dir'], {configPath: this.flags.config, onWarning: (line) => this.warnLine(line)})
    const listing = await state.outbox.list(this.flags.bot ? {bot: this.flags.bot} : {}).finally(() => state.close())
    for (const warning of listing.warnings) this.warnLine(warning)
    if (listing.items.length === 0) this.log('outbox empty')
    for (const {entry, claimedBy, holderGone} of listing.items) {
      const {media} = entry.message
      const file = media ? `[${media.kind} ${'filename' in media.source ? media.source.filename : media.source.url}] ` : ''
      const title = file + entry.message.text.split('\n')[0]!.replace(/<[^>]+>/g, '')
      const holder = typeof claimedBy === 'number' ? `pid ${claimedBy}` : claimedBy
      // A claim whose process is gone is no delivery under way: it waits for the next flush.
      const claim = holder === undefined ? '' : holderGone ? `  (left by ${holder}, which died: the next flush delivers it)` : `  (being delivered by ${holder})`
      this.log(`${entry.id}  bot ${entry.bot}  chats ${entry.chatIds.join(',')}  attempts ${entry.attempts}${claim}  ${title}`)
      if (entry.lastError) this.log(`    last error: ${entry.lastError}`)
    }
    return listing
  }
}
