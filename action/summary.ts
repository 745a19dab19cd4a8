import {describeFailure} from '../src/describe-failure.js'
import type {DeployNoticeResult} from '../src/deploy/index.js'
import {DEPLOY_STATUS_ICONS} from '../src/deploy/status.js'
import {redact} from '../src/redact.js'
import type {ActionCore} from './action-core.js'

/** `✅ Telegram deploy notice (success, production): edited in -1001234567890; sent to 4242.` (⚠️ when a chat failed) */
export function summaryLine(result: DeployNoticeResult): string {
  const byOutcome = new Map<string, string[]>()
  for (const chat of result.chats) {
    const key = chat.ok ? ({sent: 'sent to', edited: 'edited in', resent: 'sent anew to'} as const)[chat.outcome!] : 'failed for'
    byOutcome.set(key, [...(byOutcome.get(key) ?? []), String(chat.migratedTo ?? chat.chatId)])
  }
  const parts = [...byOutcome].map(([what, chats]) => `${what} ${chats.join(', ')}`)
  const about = [result.status, result.environment].filter(Boolean).join(', ')
  const icon = result.chats.every((chat) => chat.ok) ? DEPLOY_STATUS_ICONS[result.status] : '⚠️'
  return `${icon} Telegram deploy notice (${about}): ${parts.join('; ')}.`
}

/** One line in the job summary; runs without GITHUB_STEP_SUMMARY (a local run) just skip it. */
export async function writeSummary(core: ActionCore, line: string): Promise<void> {
  try {
    await core.summary.addRaw(redact(line), true).write()
  } catch (error) {
    core.debug(`job summary not written: ${describeFailure(error).message}`)
  }
}
