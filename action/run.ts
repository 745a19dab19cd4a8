import {describeFailure} from '../src/describe-failure.js'
import {deployContextFromGitHub, type DeployNoticeResult, formatMessageIds, notifyDeploy} from '../src/deploy/index.js'
import {DEPLOY_STATUS_ICONS} from '../src/deploy/status.js'
import {redact} from '../src/redact.js'
import type {ActionCore, ActionGitHub} from './action-core.js'
import {readInputs} from './inputs.js'

/** Thrown when the notice failed and `fail-on-error` asks the step to fail: its message is the whole story. */
export class NoticeFailedError extends Error {
  override readonly name = 'NoticeFailedError'
}

// The runner starts the bundle from a checkout without node_modules, so the native keychain module is never there.
const KEYCHAIN_HINT = 'the Action cannot read the OS keychain: give the token input, or token: ${ENV_VAR} in the registry'

/** The one line `core.setFailed` gets for anything `run` throws: no token, no stack. */
export function failureText(error: unknown): string {
  if (error instanceof NoticeFailedError) return redact(error.message)
  const {message} = describeFailure(error)
  return /keychain unavailable/.test(message) ? `${message}; ${KEYCHAIN_HINT}` : message
}

/**
 * The Action: reads the inputs, sends or edits the deploy notice, sets the outputs and a job summary line. A
 * notice that cannot be delivered is a warning unless `fail-on-error` is true; invalid inputs always fail.
 */
export async function run(core: ActionCore, github: ActionGitHub, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const inputs = readInputs(core)
  const {deploy} = inputs
  core.setOutput('status', deploy.status)
  let result: DeployNoticeResult
  try {
    result = await notifyDeploy({
      options: deploy,
      bot: {token: inputs.token, defaultBot: inputs.channel, configPath: inputs.configPath},
      context: deployContextFromGitHub(github.context, env),
      chatsLabel: 'input chat-ids',
      env,
      onToken: (token) => {
        if (token !== inputs.token) core.setSecret(token)
      },
      debug: core.isDebug() ? (line) => core.debug(line) : undefined,
    })
  } catch (error) {
    const failure = describeFailure(error)
    if (failure.code === 'usage' || inputs.failOnError) throw error
    core.setOutput('message-ids', '')
    core.setOutput('chat-ids', '')
    core.warning(`deploy notice not sent: ${failure.message}`)
    await writeSummary(core, `⚠️ Telegram deploy notice (${deploy.status}) not sent: ${failure.message}`)
    return
  }

  for (const warning of result.warnings) core.warning(redact(warning))
  core.setOutput('message-ids', formatMessageIds(result.messages))
  core.setOutput('chat-ids', result.messages.map((message) => String(message.chatId)).join(','))
  if (result.suppressed) {
    const line = `deploy notice (${deploy.status}) suppressed: the same notice went out less than ${deploy.throttleSeconds} s ago`
    core.info(line)
    await writeSummary(core, `🔕 Telegram ${line}`)
    return
  }
  for (const chat of result.chats) {
    if (chat.ok) core.info(`${chat.outcome} message ${chat.messageId} in chat ${String(chat.migratedTo ?? chat.chatId)}`)
  }
  const failed = result.chats.filter((chat) => !chat.ok)
  await writeSummary(core, summaryLine(result))
  if (failed.length === 0) return
  const message = `deploy notice not delivered to ${failed.map((chat) => `${String(chat.chatId)} (${chat.error!.message})`).join(', ')}`
  if (inputs.failOnError) throw new NoticeFailedError(message)
  core.warning(message)
}

/** `✅ Telegram deploy notice (success, production): edited in -1001234567890; sent to 4242.` (⚠️ when a chat failed) */
function summaryLine(result: DeployNoticeResult): string {
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
async function writeSummary(core: ActionCore, line: string): Promise<void> {
  try {
    await core.summary.addRaw(redact(line), true).write()
  } catch (error) {
    core.debug(`job summary not written: ${describeFailure(error).message}`)
  }
}
