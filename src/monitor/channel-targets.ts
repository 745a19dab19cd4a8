import type {AlertTarget} from '../alert/alert-target.js'
import {openAlertTarget} from '../alert/open-alert-target.js'
import {type BotSession, type OpenBotOptions, persistMigrations} from '../bot-session.js'
import {ChatMigrations} from '../send/migrations.js'

export interface ChannelTargetOptions extends OpenBotOptions {
  configPath?: string
  /** `--bot`: every channel goes to this bot. @default each channel's own bot */
  bot?: string
  /** `--token`: every channel goes to this bot. */
  token?: string
}

/**
 * Opens the bot of each channel as `alert --channel` does (openAlertTarget): the bot of that name, else the config's
 * default bot, with the chats linked to the channel. `finish` writes back group upgrades seen while sending and
 * returns the lines to print, plus the config warnings.
 */
export function channelTargets(options: ChannelTargetOptions): {openTarget: (channel: string) => Promise<AlertTarget>; finish: () => Promise<string[]>} {
  const sessions: BotSession[] = []
  return {
    async openTarget(channel) {
      const {target, resolved} = await openAlertTarget({channel, bot: options.bot, token: options.token, configPath: options.configPath}, options)
      sessions.push({resolved, client: target.client, migrations: target.migrations ?? new ChatMigrations()})
      return target
    },
    async finish() {
      const lines = new Set<string>()
      for (const session of sessions) {
        for (const warning of session.resolved.warnings) lines.add(warning)
        for (const note of await persistMigrations(session)) lines.add(note)
      }
      return [...lines]
    },
  }
}
