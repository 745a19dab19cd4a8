import {Args, Flags} from '@oclif/core'

import type {BotSession} from '../src/bot-session.js'
import type {OutgoingMessage} from '../src/send/outgoing-message.js'
import type {Store} from '../src/store/select-store.js'
import {UserError} from '../src/user-error.js'
import {BaseCommand} from './base-command.js'
import type {DeliveryProgress} from './support/delivery-progress.js'

interface OpenedOutbox {
  store: Store
  /** The file outbox's directory, where a file's copy waits (also with Redis configured: see openOutbox). */
  outboxDir: string
}

export interface SendResult {
  bot: string
  deliveries: Array<{chatId: number | string; ok: boolean; messageIds: number[]; migratedTo?: number; error?: string}>
  /** `--outbox`: the entry that waits for the chats Telegram could not take it for now. */
  spooled?: {id: string; chatIds: Array<number | string>; error: string}
  /** `--outbox`: why the outbox could not keep the message (it was sent without it where Telegram took it). */
  outboxProblem?: string
}

export default class Send extends BaseCommand<typeof Send, SendResult> {
  static override summary = 'Send a message, photo or document to one or more chats.'
  static override description = `The text comes from TEXT, --file, or stdin. Long texts are split on line boundaries (4,096 characters a message, 1,024 a caption) without breaking HTML tags. Several chats are sent concurrently within Telegram's limits.

Guarantee: every chat named gets the whole message (files byte-identical) or a failure line; nothing is kept once the run gives up. With --outbox, chats Telegram cannot take it for now (network down, 5xx, a long 429) get it later, exactly once: it waits in the outbox (a file as a copy in the state dir) until \`flush\` delivers it.

Exit codes: 0 all delivered, 1 Telegram refused a chat, 2 bad input or config, 3 Telegram unreachable, 75 (--outbox) it waits in the outbox.`

  static override examples = [
    '<%= config.bin %> send --bot alerts "Backup finished"',
    'echo "<b>done</b>" | <%= config.bin %> send --chat -1001234567890 --parse-mode html',
    '<%= config.bin %> send --document ./report.csv --caption "Nightly report"',
    'pg_dump db | gzip | <%= config.bin %> send --document - --filename db.sql.gz',
    {description: 'From cron: when Telegram is down, the message waits in the outbox and alert flush delivers it later.', command: '<%= config.bin %> send --outbox --bot reports "Nightly close done"'},
    '<%= config.bin %> send "Deploy?" --button "Runbook=https://wiki/deploy | Ack=ack"',
  ]

  static override args = {
    text: Args.string({description: 'Message text, or - for stdin.'}),
  }

  static override flags = {
    chat: Flags.string({description: 'Chat id or @username; repeatable, or comma-separated.', multiple: true, multipleNonGreedy: true}),
    thread: Flags.integer({description: 'Forum topic id (message_thread_id).'}),
    file: Flags.string({description: 'Read the text from this file (- for stdin).'}),
    'parse-mode': Flags.string({description: 'html, markdownv2 or none.', default: 'none'}),
    silent: Flags.boolean({description: 'Send without sound.'}),
    protect: Flags.boolean({description: 'Forbid forwarding and saving.'}),
    'no-preview': Flags.boolean({description: 'Disable link previews.'}),
    photo: Flags.string({description: 'Photo: a file path, an http(s) URL, or - for stdin.', exclusive: ['document']}),
    document: Flags.string({description: 'Document: a file path, an http(s) URL, or - for stdin.', exclusive: ['photo']}),
    filename: Flags.string({description: 'File name shown for a photo or document read from stdin.'}),
    caption: Flags.string({description: 'Caption for --photo or --document (else TEXT is the caption).'}),
    button: Flags.string({description: 'Inline button "text=https://url" or "text=callback_data"; repeatable, " | " joins a row.', multiple: true, multipleNonGreedy: true}),
    outbox: Flags.boolean({
      description: 'When Telegram cannot take it now (network down, 5xx, a long 429), keep it in the outbox (exit 75) for `flush` to deliver once.',
    }),
    'state-dir': Flags.string({description: 'State directory: the outbox (--outbox), and flood waits kept from a 429.', env: 'FASTPAY_TG_STATE_DIR'}),
    'max-bytes': Flags.integer({
      description: 'Most bytes read: longer text is cut with a note (default 1 MiB); a longer --document or --photo, piped or by path, is refused (default 50000000, Telegram\'s upload limit; a photo over 10000000 bytes is refused whatever this says).',
      min: 1,
    }),
  }

  public async run(): Promise<SendResult> {
    const {flags, args} = this
    const [{buildInlineKeyboard, parseParseMode}, {readText}, {openInputFile}, {deliverToChats}, {openBot, persistMigrations}, {requireChats}] =
      await Promise.all([
        import('../src/format/index.js'),
        import('../src/input/read-text.js'),
        import('../src/input/input-file.js'),
        import('../src/send/deliver.js'),
        import('../src/bot-session.js'),
        import('../src/config/index.js'),
      ])
    const parseMode = parseParseMode(flags['parse-mode'])
    const replyMarkup = flags.button?.length ? buildInlineKeyboard(flags.button) : undefined
    const mediaFlag: 'photo' | 'document' | undefined = flags.photo !== undefined ? 'photo' : flags.document !== undefined ? 'document' : undefined
    const mediaValue = flags.photo ?? flags.document
    // Either would otherwise be dropped without a word: --caption wins over TEXT and --file, and makes plain text.
    if (flags.caption !== undefined) {
      if (!mediaFlag) throw new UserError('--caption: only a --photo or --document has a caption; give the text as TEXT')
      if (args.text !== undefined) throw new UserError('--caption and TEXT: give the caption in one place, not both')
      if (flags.file !== undefined) throw new UserError('--caption and --file: give the caption in one place, not both')
    }
    const text =
      flags.caption ??
      (await readText({
        argument: args.text,
        file: flags.file,
        stdin: process.stdin,
        stdinTaken: mediaValue === '-',
        captionOnly: mediaFlag !== undefined,
        maxBytes: flags['max-bytes'],
        parseMode,
        warn: (line) => this.warnLine(line),
      }))
    if (!mediaFlag && (text === undefined || text.trim() === '')) {
      throw new UserError('TEXT: nothing to send: give TEXT, --file, or pipe the text on stdin')
    }

    let outbox: OpenedOutbox | undefined
    // Without --outbox the store is opened only for the flood wait, at the first send (see OpenBotOptions.floodWaits).
    let storeForFloodWait: Promise<Store> | undefined
    const floodWaits = async () => (outbox?.store ?? (await (storeForFloodWait ??= this.openStateStore()))).kv
    const session = await openBot(
      {bot: flags.bot, token: flags.token, chats: flags.chat, thread: flags.thread, configPath: flags.config},
      {...this.clientOptions, floodWaits},
    )
    this.warnConfig(session.resolved.warnings)
    const chats = requireChats(session.resolved)
    // Opened before stdin is read: a file the outbox cannot keep is refused before anything is sent.
    outbox = flags.outbox ? await this.openOutbox(mediaFlag, mediaValue) : undefined
    // A piped file is read once into a private temporary copy (removed at exit, SIGINT and SIGTERM included), so
    // every chat and every retry uploads the same bytes.
    const file =
      mediaFlag && mediaValue !== undefined
        ? await openInputFile(`--${mediaFlag}`, mediaValue, {stdin: process.stdin, filename: flags.filename, maxBytes: flags['max-bytes']})
        : undefined
    try {
      const chatIds = chats.map((target) => target.chatId)
      const message: OutgoingMessage = {
        text,
        parseMode,
        media: mediaFlag && file ? {kind: mediaFlag, source: file.source} : undefined,
        replyMarkup,
        silent: flags.silent,
        protect: flags.protect,
        noPreview: flags['no-preview'],
        threadId: session.resolved.threadId?.value,
      }
      const bot = session.resolved.name ?? session.resolved.token.source
      const progress = await this.deliveryProgress()
      if (outbox) return await this.sendWithOutbox(session, chatIds, message, outbox, bot, progress)
      const onChatDone = progress?.chatDone
      const deliveries = await deliverToChats(session.client, chatIds, message, {migrations: session.migrations, ...(onChatDone ? {onChatDone} : {})}).finally(() =>
        progress?.end(),
      )
      for (const note of await persistMigrations(session)) this.warnLine(note)
      return {bot, deliveries: this.reportDeliveries(deliveries)}
    } finally {
      file?.dispose()
      await outbox?.store.close()
      await (await storeForFloodWait?.catch(() => undefined))?.close()
    }
  }

  private async openStateStore(): Promise<Store> {
    const [{openStore}, {resolveStateDir}] = await Promise.all([import('../src/store/select-store.js'), import('../src/support/state-dir.js')])
    return openStore({stateDir: resolveStateDir(this.flags['state-dir']), configPath: this.flags.config, onWarning: (line) => this.warnLine(line)})
  }

  /** The store's outbox; with Redis, only for what needs no local bytes (text, a URL). */
  private async openOutbox(mediaFlag: string | undefined, mediaValue: string | undefined): Promise<OpenedOutbox> {
    const {resolveStateDir, outboxDirIn} = await import('../src/support/state-dir.js')
    const stateDir = resolveStateDir(this.flags['state-dir'])
    const store = await this.openStateStore()
    if (store.kind === 'redis' && mediaValue !== undefined && !/^https?:\/\//i.test(mediaValue)) {
      await store.close()
      // The entry would be shared by the fleet, the bytes on this host's disk only: another host's flush could not send it.
      throw new UserError(`--outbox: the outbox is in Redis, which does not hold files: send --${mediaFlag} without --outbox, give a URL, or use the file store (FASTPAY_TG_STORE=file)`)
    }
    return {store, outboxDir: outboxDirIn(stateDir)}
  }

  private async sendWithOutbox(
    session: BotSession,
    chatIds: Array<number | string>,
    message: OutgoingMessage,
    outbox: OpenedOutbox,
    bot: string,
    progress: DeliveryProgress | undefined,
  ): Promise<SendResult> {
    const [{sendWithOutbox}, {botLabelOf}, {persistMigrations}] = await Promise.all([
      import('../src/outbox/index.js'),
      import('../src/alert/open-alert-target.js'),
      import('../src/bot-session.js'),
    ])
    const {store, outboxDir} = outbox
    const botLabel = botLabelOf(session.resolved)
    const sent = await sendWithOutbox({
      client: session.client,
      botLabel,
      chatIds,
      message,
      outbox: store.outbox,
      outboxDir,
      migrations: session.migrations,
      ...(progress ? {onChatDone: progress.chatDone} : {}),
    }).finally(() => progress?.end())
    for (const note of await persistMigrations(session)) this.warnLine(note)
    if (sent.outboxProblem) this.warnLine(`--outbox: ${sent.outboxProblem}`)
    // Chats that will get it from the outbox are told by the spool line, not as errors.
    const waiting = new Set((sent.spooled?.chatIds ?? []).map(String))
    const deliveries = this.reportDeliveries(sent.deliveries.filter((delivery) => !waiting.has(String(delivery.migratedTo ?? delivery.chatId))))
    if (sent.spooled) {
      const {id, chatIds: spooledTo, error} = sent.spooled
      this.log(`spooled to the outbox (${id}) for ${spooledTo.join(', ')}: ${error}; \`fastpay-tg alert flush\` delivers it`)
    }
    process.exitCode = sent.exitCode
    return {bot, deliveries, ...(sent.spooled ? {spooled: sent.spooled} : {}), ...(sent.outboxProblem ? {outboxProblem: sent.outboxProblem} : {})}
  }
}
