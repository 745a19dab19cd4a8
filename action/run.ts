import {BOT_CONFIGS_VAR, BOT_TOKEN_VAR, isTokenUnreadable, NO_DEFAULT_CONFIG_ENV_VAR} from '../src/config/index.js'
import {describeFailure, failedOf} from '../src/describe-failure.js'
import {deployContextFromGitHub, type DeployNoticeResult, formatMessageIds, type GitHubRun, notifyDeploy} from '../src/deploy/index.js'
import {redact} from '../src/redact.js'
import {withCommandsStopped} from '../src/support/runner-log.js'
import {MissingTokenError, ProxySettingError} from '../src/user-error.js'
import type {ActionCore} from './action-core.js'
import {inActionTerms} from './action-terms.js'
import {type ActionInputs, readInputs} from './inputs.js'
import {summaryLine, writeSummary} from './summary.js'

/** Thrown when the notice failed and `fail-on-error` asks the step to fail: its message is the whole story. */
export class NoticeFailedError extends Error {
  override readonly name = 'NoticeFailedError'
}

// The runner starts the bundle from a checkout without node_modules, so the native keychain module is never there.
const KEYCHAIN_HINT = 'the Action cannot read the OS keychain: give the token input, or token: ${ENV_VAR} in the registry'

// Why `token: ${{ secrets.X }}` comes out empty, for the reader of the warning.
const EMPTY_TOKEN_WHY = 'a workflow run for a pull request from a fork gets no secrets; otherwise check that the secret exists and is spelled right'

/** The fork a pull request comes from (`outside-contrib/fastpay-api`); undefined for any other run. */
function forkOf(payload: Record<string, unknown>): string | undefined {
  const head = (payload.pull_request as {head?: {repo?: {fork?: unknown; full_name?: unknown}}} | undefined)?.head
  const base = (payload.repository as {full_name?: unknown} | undefined)?.full_name
  const fork = head?.repo?.full_name
  return typeof fork === 'string' && (head?.repo?.fork === true || (typeof base === 'string' && fork !== base)) ? fork : undefined
}

/** Why the token input is empty: said plainly when the event is a pull request from a fork. */
function emptyTokenWhy(fork: string | undefined): string {
  return fork ? `this run is for a pull request from the fork ${fork}, and GitHub gives such runs no secrets` : EMPTY_TOKEN_WHY
}

/**
 * What is empty, in the step's words: the token input, and the env layers the step was given empty (`env:` naming a
 * secret that is not there, or is spelled otherwise), which are read as not set.
 */
function emptyTokenSubject(env: NodeJS.ProcessEnv): string {
  const empty = [BOT_CONFIGS_VAR, BOT_TOKEN_VAR].filter((name) => env[name] !== undefined && env[name]!.trim() === '')
  return empty.length === 0 ? 'input token is empty' : `input token and env ${empty.join(' and ')} are empty`
}

/**
 * The registry's `${VAR}` that the step's environment does not have at all (no `env:` passes it): then neither a
 * secret nor the token input is to blame. Undefined in a fork's pull request, where every secret is withheld.
 */
function unpassedVariable(error: unknown, env: NodeJS.ProcessEnv, fork: string | undefined): string | undefined {
  if (fork || !isTokenUnreadable(error) || error.variable === undefined) return undefined
  return env[error.variable] === undefined ? error.variable : undefined
}

/** The one line `core.setFailed` gets for anything `run` throws: no token, no stack, inputs rather than CLI flags. */
export function failureText(error: unknown): string {
  if (error instanceof NoticeFailedError) return redact(error.message)
  const {message} = describeFailure(error)
  return inActionTerms(/keychain unavailable/.test(message) ? `${message}; ${KEYCHAIN_HINT}` : message)
}

/**
 * The Action: reads the inputs, sends or edits the deploy notice, sets the outputs and a job summary line. A
 * notice that cannot be delivered (no token in a fork's pull request, Telegram down, the deadline passed) is a
 * warning unless `fail-on-error` is true; invalid inputs always fail. `readRun` reads the run (GITHUB_* and the
 * event file: githubRunFromEnv), once the token is masked; a broken event file is an invalid input.
 */
export async function run(core: ActionCore, readRun: () => GitHubRun, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let read: GitHubRun | undefined
  const githubRun = () => (read ??= readRun())
  const inputs = readInputs(core, () => deploymentState(githubRun()))
  const github = githubRun()
  const {deploy} = inputs
  core.setOutput('status', deploy.status)
  let result: DeployNoticeResult
  try {
    result = await notifyDeploy({
      options: deploy,
      bot: {token: inputs.token, defaultBot: inputs.channel, defaultBotGiven: inputs.channelGiven, configPath: inputs.configPath},
      context: deployContextFromGitHub(github, env),
      chatsLabel: 'input chat-ids',
      env: registryScope(env, inputs),
      timeoutMs: inputs.timeoutMs,
      onToken: (token) => {
        if (token !== inputs.token) core.setSecret(token)
      },
      debug: core.isDebug() ? (line) => core.debug(line) : undefined,
    })
  } catch (error) {
    const failure = describeFailure(error)
    const about = [deploy.status, deploy.environment].filter(Boolean).join(', ')
    const fork = forkOf(github.payload)
    const variable = unpassedVariable(error, env, fork)
    if (variable !== undefined && isTokenUnreadable(error) && inputs.token === undefined) {
      const fix = `the registry's token variable ${variable} is not set; pass it to the step with env: in the workflow`
      const line = `deploy notice (${about}) not sent: ${fix} (bot "${error.botName}" in ${error.display} takes its token from \${${variable}})`
      if (inputs.failOnError) throw new NoticeFailedError(line)
      return notSent(core, line, `⚠️ Telegram deploy notice (${about}) not sent: ${fix}.`)
    }
    if (isEmptyToken(error) && inputs.token === undefined) {
      // `no bot token: ...` says no more than "empty"; a registry's `${VAR}` that is not set is worth naming.
      const detail = /^no bot token/.test(failure.message) ? '' : ` (${inActionTerms(failure.message)})`
      const why = emptyTokenWhy(fork)
      const line = `${emptyTokenSubject(env)}${detail}: deploy notice (${about}) not sent; ${why}`
      if (inputs.failOnError) throw new NoticeFailedError(line)
      return notSent(core, line, `⚠️ Telegram deploy notice (${about}) not sent: ${emptyTokenSubject(env)}; ${why}.`)
    }
    // The runner's proxy, not the step's inputs: the deploy goes on without its notice, as when Telegram is away.
    const fromRunner = error instanceof ProxySettingError
    if ((failure.code === 'usage' && !fromRunner) || inputs.failOnError) throw error
    return notSent(core, `deploy notice not sent: ${failure.message}`, `⚠️ Telegram deploy notice (${about}) not sent: ${failure.message}`)
  }

  for (const warning of result.warnings) core.warning(inActionTerms(redact(warning)))
  if (result.dryRun) {
    core.setOutput('message-ids', '')
    core.setOutput('chat-ids', '')
    const chats = result.dryRun.chats.map(String).join(', ')
    core.info(`dry run: nothing sent; the notice (${deploy.status}) would go to ${chats}:`)
    printUntrusted(core, (result.text ?? '').split('\n'))
    await writeSummary(core, `🧪 Telegram deploy notice (${[result.status, result.environment].filter(Boolean).join(', ')}): dry run, would go to ${chats}.`)
    return
  }
  core.setOutput('message-ids', formatMessageIds(result.messages))
  core.setOutput('chat-ids', [...new Set(result.messages.map((message) => String(message.chatId)))].join(','))
  if (result.suppressed) {
    const line = `deploy notice (${deploy.status}) suppressed: the same notice went out less than ${deploy.throttleSeconds} s ago`
    core.info(line)
    await writeSummary(core, `🔕 Telegram ${line}`)
    return
  }
  for (const chat of result.chats) {
    if (chat.ok) core.info(`${chat.outcome} message ${chat.messageId} in chat ${String(chat.migratedTo ?? chat.chatId)}`)
  }
  const failed = failedOf(result.chats)
  await writeSummary(core, summaryLine(result))
  if (failed.length === 0) return
  const message = `deploy notice not delivered to ${failed.map((chat) => `${String(chat.chatId)} (${chat.error.message})`).join(', ')}`
  if (inputs.failOnError) throw new NoticeFailedError(message)
  core.warning(message)
}

/** Prints text from outside the workflow (a fork's pull request title), indented, with workflow commands off. */
function printUntrusted(core: ActionCore, lines: readonly string[]): void {
  for (const line of withCommandsStopped(lines.map((line) => `  ${line}`))) core.info(line)
}

/** A warning, empty outputs and a summary line: the deploy goes on without its notice. */
async function notSent(core: ActionCore, warning: string, summary: string): Promise<void> {
  core.setOutput('message-ids', '')
  core.setOutput('chat-ids', '')
  core.warning(redact(warning))
  await writeSummary(core, summary)
}

/** A deployment_status event's state: what the notice follows when no `status` input is given. */
function deploymentState(github: GitHubRun): string | undefined {
  const status = github.payload.deployment_status
  const state = typeof status === 'object' && status !== null ? (status as {state?: unknown}).state : undefined
  return typeof state === 'string' ? state : undefined
}

/**
 * The runner user's `~/.config/fastpay-tg/config.yml` belongs to whoever set up a self-hosted runner, maybe for
 * another project: the Action reads a registry only when the `config` input or FASTPAY_TG_CONFIG names one.
 */
function registryScope(env: NodeJS.ProcessEnv, inputs: ActionInputs): NodeJS.ProcessEnv {
  if (inputs.configPath !== undefined || env.FASTPAY_TG_CONFIG) return env
  return {...env, [NO_DEFAULT_CONFIG_ENV_VAR]: '1'}
}

export type {DeployNoticeResult}

/** No token at all (a fork's pull request, a missing secret, an unset `${VAR}`), unlike one that cannot be read. */
function isEmptyToken(error: unknown): boolean {
  if (isTokenUnreadable(error)) return error.empty
  return error instanceof MissingTokenError
}
