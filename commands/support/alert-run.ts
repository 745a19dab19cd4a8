// What `alert` does once its flags are parsed, apart from oclif: the command class runs it after oclif parsed the
// flags, and the fast path (alert-fast.ts) after parsing a plain command line itself; both print through one door.
import {hostname} from 'node:os'

import type {AlertContent, AlertDryRun, AlertState, AlertTarget, AlertTemplate, SendAlertResult} from '../../src/alert/index.js'
import {DEFAULT_MAX_BYTES} from '../../src/input/byte-limit.js'
import {redact} from '../../src/redact.js'
import type {ChatDelivery} from '../../src/send/deliver.js'
import {UserError} from '../../src/user-error.js'
import type {DeliveryProgress} from './delivery-progress.js'

/** The flags `alert` reads, as oclif's parser gives them (absent when neither given nor defaulted). */
export interface AlertFlags {
  severity: string
  field?: string[]
  body?: string
  'max-bytes'?: number
  channel: string
  chat?: string[]
  'throttle-key'?: string
  'throttle-seconds'?: number
  template?: string
  buttons?: string
  silent?: boolean
  'no-host'?: boolean
  'dry-run'?: boolean
  'state-dir'?: string
  bot?: string
  token?: string
  config?: string
  timeout: number
}

/** What the run prints through, and asks about its flags: BaseCommand, or the fast path's stand-in. */
export interface AlertDoor {
  log(message?: string): void
  warnLine(message: string): void
  warnConfig(lines: readonly string[]): void
  /** True when the user gave the flag (or its env variable), false when it holds its default. */
  flagGiven(name: string): boolean
  readonly clientOptions: {debug?: (line: string) => void; timeoutMs: number}
  deliveryProgress(): Promise<DeliveryProgress | undefined>
  reportDeliveries(deliveries: readonly ChatDelivery[]): unknown
}

interface PreparedAlert {
  target: AlertTarget
  severity: AlertContent['severity']
  fields: NonNullable<AlertContent['fields']>
  body: string | undefined
  template: AlertTemplate | undefined
  buttons: Array<'ack' | 'mute'> | undefined
  windowSeconds: number
  /** The sending bot's Telegram id: its buttons are signed with its key. */
  botId: number
}

type AlertModule = typeof import('../../src/alert/index.js')

export async function runAlert(door: AlertDoor, flags: AlertFlags, args: {title: string}): Promise<SendAlertResult | AlertDryRun> {
  const [alert, {readText}, {botIdOfToken, parseAlertButtonNames}] = await Promise.all([
    import('../../src/alert/index.js'),
    import('../../src/input/read-text.js'),
    import('../../src/webhook/alert-buttons.js'),
  ])
  // An unset variable in a script (`alert "$MSG"`) must not send an empty alert under the key "alerts:".
  if (args.title.trim() === '') throw new UserError('TITLE: the alert needs a title')
  const severity = alert.parseSeverity(flags.severity)
  const fields = (flags.field ?? []).map((field) => alert.parseField(field))
  const buttons = flags.buttons === undefined ? undefined : parseAlertButtonNames(flags.buttons)
  const template = flags.template === undefined ? undefined : await alert.loadTemplate(flags.template)
  const maxBytes = flags['max-bytes'] ?? DEFAULT_MAX_BYTES.alertBody
  const body = flags.body === undefined ? undefined : await readText({argument: flags.body, stdin: process.stdin, maxBytes, warn: (line) => door.warnLine(`--body: ${line}`)})
  const windowSeconds = alert.throttleSeconds(flags['throttle-seconds'])
  let state: AlertState | undefined
  const {target, resolved} = await alert.openAlertTarget(
    {channel: flags.channel, defaultBotGiven: door.flagGiven('channel'), bot: flags.bot, token: flags.token, chats: flags.chat, configPath: flags.config},
    // Asked for at the first send, once the state below is open: a flood wait kept there holds the alert back.
    {...door.clientOptions, floodWaits: () => state?.keyValue},
  )
  door.warnConfig(resolved.warnings)
  const prepared = {target, severity, fields, body, template, buttons, windowSeconds, botId: botIdOfToken(resolved.token.value)}
  state = await openStateOrFailOpen(door, flags, alert, prepared)
  let result: SendAlertResult | AlertDryRun
  try {
    result = await deliver(door, flags, args, alert, state, prepared)
  } finally {
    await state?.close()
  }
  // A group upgraded to a supergroup is written back to the registry: the next alert goes straight to it.
  const {persistMigrations} = await import('../../src/bot-session.js')
  if (target.migrations) for (const note of await persistMigrations({resolved, client: target.client, migrations: target.migrations})) door.warnLine(note)
  return result
}

/** The state dir, or undefined when it cannot be written (read-only, full): the alert then fails open. */
async function openStateOrFailOpen(door: AlertDoor, flags: AlertFlags, alert: AlertModule, prepared: PreparedAlert): Promise<AlertState | undefined> {
  const {StateDirError} = await import('../../src/support/state-dir.js')
  try {
    return await alert.openAlertState(flags['state-dir'], {configPath: flags.config, onWarning: (line) => door.warnLine(line)})
  } catch (error) {
    if (!(error instanceof StateDirError) || flags['dry-run']) throw error
    const without = prepared.buttons ? 'throttle, outbox or buttons' : 'throttle or outbox'
    door.warnLine(`state dir ${JSON.stringify(error.dir)} not writable (${error.code}): alert sent without ${without}`)
    prepared.buttons = undefined
    return undefined
  }
}

async function deliver(
  door: AlertDoor,
  flags: AlertFlags,
  args: {title: string},
  alert: AlertModule,
  state: AlertState | undefined,
  {target, severity, fields, body, template, buttons, windowSeconds, botId}: PreparedAlert,
): Promise<SendAlertResult | AlertDryRun> {
  // The key is stored in the state dir and may ride in callback data: a token quoted in the title stays out of both.
  const key = redact(flags['throttle-key'] ?? alert.defaultThrottleKey(flags.channel, args.title))
  const throttle = windowSeconds > 0 && state ? {store: state.throttle, key, windowSeconds} : undefined
  const content = {title: args.title, severity, fields, body, channel: flags.channel, host: flags['no-host'] ? null : hostname()}
  if (flags['dry-run'] && state) return printDryRun(door, await alert.dryRunAlert({target, content, template, throttle, outbox: state.outbox, links: state.links}))

  const {prepareAlertButtons} = await import('../../src/webhook/alert-buttons.js')
  const replyMarkup = buttons && state ? await prepareAlertButtons(key, {buttons, keyValue: state.keyValue, botId, channel: flags.channel}) : undefined
  const progress = await door.deliveryProgress()
  const onChatDone = progress?.chatDone
  const result = await alert
    .sendAlert({target, content, template, throttle, outbox: state?.outbox, links: state?.links, silent: flags.silent, replyMarkup, ...(onChatDone ? {onChatDone} : {})})
    .finally(() => progress?.end())
  for (const warning of result.warnings) door.warnLine(warning)
  printResult(door, result)
  process.exitCode = result.exitCode
  return result
}

function printResult(door: AlertDoor, result: SendAlertResult): void {
  for (const flushed of result.flushed.entries) {
    if (flushed.delivered.length > 0) door.log(`delivered from the outbox: ${flushed.id}`)
  }
  if (result.status === 'suppressed') {
    const {count, nextAt} = result.suppressed!
    door.log(`suppressed: ${count} alert(s) with key "${result.throttleKey}" held back; the next can go at ${nextAt.toISOString()}`)
    return
  }
  // Chats that will get it from the outbox are reported by the spool line, not as errors.
  const waiting = new Set((result.spooled?.chatIds ?? []).map(String))
  door.reportDeliveries(result.deliveries.filter((delivery) => !waiting.has(String(delivery.migratedTo ?? delivery.chatId))))
  if (result.spooled) {
    door.log(`spooled to the outbox (${result.spooled.id}) for ${result.spooled.chatIds.join(', ')}: ${result.spooled.error}`)
    door.log('`fastpay-tg alert flush` (or the next alert) delivers it.')
  }
}

function printDryRun(door: AlertDoor, dryRun: AlertDryRun): AlertDryRun {
  for (const warning of dryRun.warnings) door.warnLine(warning)
  door.log(dryRun.text)
  door.log('')
  door.log(`bot:   ${dryRun.bot}${dryRun.sources ? `  ← ${dryRun.sources.bot}` : ''}`)
  door.log(`chats: ${dryRun.chatIds.join(', ')}${dryRun.sources ? `  ← ${dryRun.sources.chats}` : ''}`)
  if (dryRun.throttle) {
    const verdict = dryRun.throttle.wouldSend ? 'would send' : `would be suppressed until ${dryRun.throttle.nextAt?.toISOString()}`
    door.log(`throttle: key "${dryRun.throttle.key}", ${dryRun.throttle.windowSeconds} s window: ${verdict}`)
  }
  if (dryRun.outboxWaiting) door.log(`outbox: ${dryRun.outboxWaiting} alert(s) waiting, delivered first`)
  door.log('(dry run: nothing sent)')
  return dryRun
}
