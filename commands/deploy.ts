import {Flags} from '@oclif/core'

import type {DeployInputName, DeployNoticeResult} from '../src/deploy/index.js'
import {withCommandsStopped} from '../src/support/runner-log.js'
import {BaseCommand} from './base-command.js'

export interface DeployCommandResult {
  status: string
  environment?: string
  bot: string
  /** `chatId:messageId,...`: what `--message-ids` takes. Empty when nothing was delivered or the throttle held it. */
  messageIds: string
  chats: Array<{chatId: number | string; ok: boolean; outcome?: string; messageId?: number; migratedTo?: number; error?: string}>
  durationMs?: number
  suppressed?: boolean
  /** Set by --dry-run: the text and the chats it would go to. */
  dryRun?: {text: string; chats: Array<number | string>}
}

/** The flag each shared deploy setting is read from, for error messages. */
const FLAG_OF: Record<DeployInputName, string> = {
  status: '--status',
  environment: '--environment',
  'message-ids': '--message-ids',
  'chat-ids': '--chat',
  'thread-id': '--thread',
  message: '--message',
  'message-file': '--message-file',
  template: '--template',
  'parse-mode': '--parse-mode',
  'disable-notification': '--silent',
  'throttle-seconds': '--throttle-seconds',
  notify: '--notify',
  'link-preview': '--link-preview',
  'protect-content': '--protect',
  document: '--document',
  photo: '--photo',
  'max-bytes': '--max-bytes',
  'dry-run': '--dry-run',
  deadline: '--deadline',
}

export default class Deploy extends BaseCommand<typeof Deploy, DeployCommandResult> {
  static override summary = 'Post a deploy notice, and update it in place as the deploy moves on.'
  static override description = `Builds the same message as the GitHub Action, from GitHub Actions' or GitLab CI's variables when present, else from the flags. --status started sends a message and prints its ids (chatId:messageId,...); a later status edits that message (a started again too: a re-run), found through --message-ids or the run's state file (RUNNER_TEMP, else the state dir, keyed by repository, run id, environment and bot), and sends a new message when the edit fails. Edits never notify, so a failure or cancellation that edits the notice also replies to it (--notify failure, the default; always; never).

Guarantee: one message per chat per deploy, edited in place by later statuses, never re-sent while it is known; chats not reached within --deadline (default 45 s, retries included) are reported as not sent, exit 3: a notice is never spooled. --throttle-seconds (default 0, off) holds back the same notice across processes.

Exit codes: 0 delivered, 1 Telegram refused a chat, 2 bad input or config, 3 Telegram unreachable.`

  static override examples = [
    'ids=$(<%= config.bin %> deploy --status started --environment production)',
    '<%= config.bin %> deploy --status success --environment production --message-ids "$ids"',
    '<%= config.bin %> deploy --status failure --environment production --run-id "$deploy_id" --repository fastpay/api',
  ]

  static override flags = {
    status: Flags.string({description: 'started, success, failure or cancelled.'}),
    environment: Flags.string({description: 'Where the deploy goes (default: GitLab CI_ENVIRONMENT_NAME, if set).'}),
    'message-ids': Flags.string({description: 'Messages to edit: chatId:messageId pairs, comma-separated (what started printed).'}),
    chat: Flags.string({description: 'Chat id or @username; repeatable, or comma-separated.', multiple: true, multipleNonGreedy: true}),
    thread: Flags.string({description: 'Forum topic id (message_thread_id).'}),
    channel: Flags.string({description: 'Bot to use when --bot and --token are not given.', default: 'deploy'}),
    message: Flags.string({description: 'Replace the whole message with this text.'}),
    'message-file': Flags.string({description: 'Replace the whole message with this file.'}),
    template: Flags.string({description: 'Message template with {{placeholders}} (see README).'}),
    'parse-mode': Flags.string({description: 'html, markdownv2 or none.', default: 'html'}),
    silent: Flags.boolean({description: 'Send without sound.'}),
    'throttle-seconds': Flags.string({description: 'Hold back the same notice (repository, environment, status, commit, and in CI the run attempt) within this window.'}),
    notify: Flags.string({description: 'failure, always or never: which final statuses also reply to the edited notice, so the chat is notified.', default: 'failure'}),
    'link-preview': Flags.boolean({description: 'Show a preview of the first link.'}),
    protect: Flags.boolean({description: 'Forbid forwarding and saving the messages.'}),
    document: Flags.string({description: 'A file sent as a reply to the notice in every chat.'}),
    photo: Flags.string({description: 'An image sent as a reply to the notice in every chat (at most 10 MB, Telegram\'s limit for photos).'}),
    'max-bytes': Flags.string({description: 'Leave out a --document or --photo larger than this (default 50000000, Telegram\'s upload limit for bots; a local Bot API server takes up to 2000 MB).'}),
    'dry-run': Flags.boolean({description: 'Print the notice and its chats; send nothing.'}),
    deadline: Flags.string({description: 'Seconds for the whole notice (every request and retry); chats not reached by then are reported as not sent.', default: '45'}),
    repository: Flags.string({description: 'Repository name shown (default: from the CI).', helpGroup: 'CONTEXT'}),
    ref: Flags.string({description: 'Branch or tag shown: refs/heads/main, refs/tags/v1.2.0, or a name.', helpGroup: 'CONTEXT'}),
    sha: Flags.string({description: 'Commit shown (default: from the CI).', helpGroup: 'CONTEXT'}),
    actor: Flags.string({description: 'Who deploys (default: from the CI).', helpGroup: 'CONTEXT'}),
    'run-id': Flags.string({description: 'Ties started and later statuses together outside CI: one id per deploy (a started with an id seen before edits that notice), e.g. deploy_id="$(date +%s)-$$" set once in a script.', helpGroup: 'CONTEXT'}),
  }

  public async run(): Promise<DeployCommandResult> {
    const {flags} = this
    const {deployContextFromEnv, formatMessageIds, notifyDeploy, parseDeployOptions} = await import('../src/deploy/index.js')
    const options = parseDeployOptions(
      {
        status: flags.status,
        environment: flags.environment,
        'message-ids': flags['message-ids'],
        'chat-ids': flags.chat?.join(','),
        'thread-id': flags.thread,
        message: flags.message,
        'message-file': flags['message-file'],
        template: flags.template,
        'parse-mode': flags['parse-mode'],
        'disable-notification': flags.silent ? 'true' : 'false',
        'throttle-seconds': flags['throttle-seconds'],
        notify: flags.notify,
        'link-preview': flags['link-preview'] ? 'true' : 'false',
        'protect-content': flags.protect ? 'true' : 'false',
        document: flags.document,
        photo: flags.photo,
        'max-bytes': flags['max-bytes'],
        'dry-run': flags['dry-run'] ? 'true' : 'false',
        deadline: flags.deadline,
      },
      (name) => FLAG_OF[name],
    )
    const context = deployContextFromEnv(process.env, {
      repository: flags.repository,
      ref: flags.ref,
      sha: flags.sha,
      actor: flags.actor,
      runId: flags['run-id'],
    })
    const result = await notifyDeploy({
      options,
      bot: {bot: flags.bot, token: flags.token, configPath: flags.config, defaultBot: flags.channel, defaultBotGiven: this.flagGiven('channel')},
      context,
      chatsLabel: '--chat',
      ...this.clientOptions,
    })
    return this.report(result, formatMessageIds(result.messages))
  }

  private report(result: DeployNoticeResult, messageIds: string): DeployCommandResult {
    this.warnConfig(result.warnings)
    if (result.dryRun) {
      this.log(`dry run: would send to ${result.dryRun.chats.map(String).join(', ')}:`)
      // In a GitHub Actions step the notice (a fork's pull request title) is printed with workflow commands off.
      const lines = (result.text ?? '').split('\n')
      for (const line of process.env.GITHUB_ACTIONS === 'true' ? withCommandsStopped(lines) : lines) this.log(line)
    }
    if (result.suppressed) {
      this.warnLine(`deploy notice suppressed: the same notice went out within the window (${result.suppressed.count} held back so far)`)
    }
    for (const chat of result.chats) {
      if (!chat.ok) process.stderr.write(`Error: ${String(chat.chatId)}: ${chat.error.message}\n`)
    }
    // The only stdout line: scripts capture it for --message-ids.
    if (messageIds !== '') this.log(messageIds)
    process.exitCode = result.exitCode
    return {
      status: result.status,
      environment: result.environment,
      bot: result.bot,
      messageIds,
      chats: result.chats.map(({error, editError: _editError, ...chat}) => ({...chat, error: error?.message})),
      durationMs: result.durationMs,
      suppressed: result.suppressed ? true : undefined,
      dryRun: result.dryRun && {text: result.text ?? '', chats: result.dryRun.chats},
    }
  }
}
