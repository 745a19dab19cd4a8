import {Flags} from '@oclif/core'

import type {ConfigReport} from '../../src/report/config-report.js'
import {BaseCommand} from '../base-command.js'

export default class ConfigShow extends BaseCommand<typeof ConfigShow, ConfigReport> {
  static override summary = 'Show the resolved configuration and where each value comes from (token masked).'
  static override description = `Resolution order: flags > bots registry (YAML) > TELEGRAM_BOT_CONFIGS > TELEGRAM_BOT_TOKEN + TELEGRAM_CHAT_IDS.`
  static override examples = ['<%= config.bin %> config show', '<%= config.bin %> config show --bot alerts --json']
  static override flags = {
    chat: Flags.string({description: 'Chat id or @username, as send would take it.', multiple: true, multipleNonGreedy: true}),
    thread: Flags.integer({description: 'Forum topic id, as send would take it.'}),
  }

  public async run(): Promise<ConfigReport> {
    const {buildConfigReport} = await import('../../src/report/config-report.js')
    const report = await buildConfigReport({
      bot: this.flags.bot,
      token: this.flags.token,
      chats: this.flags.chat,
      thread: this.flags.thread,
      configPath: this.flags.config,
    })
    this.warnConfig(report.warnings)
    const rows: Array<[string, string, string]> = [
      ['bot', report.bot.name ?? '(unnamed)', botSource(report.bot)],
      ['token', report.token.value ?? `(unreadable: ${report.token.problem})`, report.token.source],
      ['chats', report.chats.value.join(', ') || '(none)', report.chats.source],
      ...(report.thread ? [['thread', String(report.thread.value), report.thread.source] as [string, string, string]] : []),
      ['api root', report.apiRoot.value, report.apiRoot.source],
      ...(report.proxy ? [['proxy', report.proxy.value, report.proxy.source] as [string, string, string]] : []),
    ]
    const width = Math.max(...rows.map(([, value]) => value.length))
    for (const [key, value, source] of rows) this.log(`${key.padEnd(9)} ${value.padEnd(width)}  ← ${source}`)
    // A broken config still fails as before (exit 2, its one line on stderr; `error` under --json) once shown.
    if (report.error) {
      if (!this.jsonEnabled()) process.stderr.write(`Error: ${report.error.message}\n`)
      process.exitCode = report.error.exitCode
    }
    return report
  }
}

function botSource(bot: ConfigReport['bot']): string {
  const layer = `layer ${bot.layer}`
  return bot.fallbackFor === undefined ? layer : `${layer}: fallback, no bot named "${bot.fallbackFor}" in any layer`
}
