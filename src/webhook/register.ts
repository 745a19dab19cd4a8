import type {WebhookInfo} from '@grammyjs/types'

import type {MethodParams} from '../api/index.js'
import {type BotSession, openBot, type OpenBotOptions} from '../bot-session.js'
import {asEnvEntry, type BotPick, type Env, everyActiveBot, locateRegistry, sameBotAsEarlier} from '../config/index.js'
import {describeFailure, type Outcome} from '../describe-failure.js'
import {registerSecret} from '../redact.js'
import {UserError} from '../user-error.js'
import {resolveStateDir} from '../support/state-dir.js'
import {ensureWebhookSecret, secretStoreError, unreachableSecretStore, type WebhookSecret} from './webhook-secret.js'
import {checkMaxConnections, parseAllowedUpdates, readWebhookSecret, resolveWebhookBase, webhookUrl} from './webhook-url.js'
import {errorMessage} from '../support/error-message.js'

/** Which bot or bots: what `--bot`, `--token`, `--all` and `--config` say. */
export interface BotChoice {
  bot?: string
  token?: string
  configPath?: string
  /** Every active registry bot. @default false */
  all?: boolean
}

export interface RegisterRequest extends BotChoice {
  /** @default TELEGRAM_WEBHOOK_BASE_URL, else SITE_URL */
  baseUrl?: string
  /** @default false: Telegram keeps the updates waiting */
  dropPendingUpdates?: boolean
  /** Comma-separated update types. @default unset: Telegram keeps the bot's previous choice */
  allowedUpdates?: string
  /** 1-100. @default unset: Telegram's 40 */
  maxConnections?: number
  /** Where a generated secret is kept (file store). @default FASTPAY_TG_STATE_DIR, else ~/.local/state/fastpay-tg */
  stateDir?: string
}

export interface WebhookOptions extends OpenBotOptions {
  env?: Env
}

/** One bot's outcome; `--all` reports one per bot. */
/** What a webhook call found out about one bot. */
export interface WebhookDone {
  /** The id in the webhook path: the registry id, else the bot's Telegram id. */
  webhookId?: number
  info?: WebhookInfo
  /** `webhook info`: updates a stopped serve kept for the next (`since`: when the oldest was kept, ISO 8601). */
  kept?: {updates: number; since?: string}
}

/** One bot's webhook call: done (`ok`), or failed with `error`. */
export type WebhookOutcome = Outcome<WebhookDone & {
  /** The bot's name, else where its token came from. */
  bot: string
}>

export interface WebhookReport {
  outcomes: WebhookOutcome[]
  warnings: string[]
  /** Lines for stdout: where a generated secret was stored. */
  notes?: string[]
}

/** The id `<base>/api/telegram/webhook/<id>/` carries: the registry id, or for a bot outside it, its Telegram id. */
export async function webhookBotId(session: BotSession): Promise<number> {
  return session.resolved.registryId ?? (await session.client.getMe()).id
}

export function botLabel(session: BotSession): string {
  return session.resolved.name ?? session.resolved.token.source
}

/** The bots to act on: the one `--bot`/`--token` resolve to, or with `--all` every active bot (everyActiveBot). */
async function selectors(choice: BotChoice, env: Env): Promise<Array<BotPick | undefined>> {
  if (!choice.all) return [undefined]
  if (choice.bot !== undefined || choice.token !== undefined) throw new UserError('--all: leave out --bot and --token')
  const location = locateRegistry(choice.configPath, env)
  const picks = await everyActiveBot(location, env)
  if (picks.length === 0) throw new UserError(`--all: no active bot in ${location.display} nor TELEGRAM_BOT_CONFIGS`)
  return picks
}

/** Opens the bot `pick` names (else the one `--bot`/`--token` resolve to); an unnamed entry is said to be that entry. */
export async function openPick(pick: BotPick | undefined, choice: BotChoice, options: OpenBotOptions & {env: Env}): Promise<BotSession> {
  if (pick === undefined) return openBot({bot: choice.bot, token: choice.token, configPath: choice.configPath}, options)
  if ('bot' in pick) return openBot({bot: pick.bot, configPath: choice.configPath}, options)
  const session = await openBot({token: pick.token, configPath: choice.configPath}, options)
  return {...session, resolved: asEnvEntry(session.resolved, pick.source)}
}

/** Runs `action` for each chosen bot, one after the other; a failing bot is reported and the others still run. */
async function forEachBot(
  choice: BotChoice,
  options: WebhookOptions,
  action: (session: BotSession) => Promise<WebhookDone>,
): Promise<{outcomes: WebhookOutcome[]; warnings: string[]}> {
  const env = options.env ?? process.env
  const outcomes: WebhookOutcome[] = []
  const warnings = new Set<string>()
  const tokens = new Set<string>()
  for (const pick of await selectors(choice, env)) {
    let session: BotSession
    try {
      session = await openPick(pick, choice, {...options, env})
    } catch (error) {
      // One bot whose token cannot be read must not stop `--all` from registering the others.
      if (!choice.all) throw error
      outcomes.push({bot: pick === undefined ? 'default' : 'bot' in pick ? pick.bot : pick.source, ok: false, error: describeFailure(error)})
      continue
    }
    if (sameBotAsEarlier(session.resolved.layer, session.resolved.token.value, tokens)) continue
    tokens.add(session.resolved.token.value)
    for (const warning of session.resolved.warnings) warnings.add(warning)
    try {
      outcomes.push({bot: botLabel(session), ok: true, ...(await action(session))})
    } catch (error) {
      outcomes.push({bot: botLabel(session), ok: false, error: describeFailure(error)})
    }
  }
  return {outcomes, warnings: [...warnings]}
}

/**
 * `webhook register`: points each bot at `<base>/api/telegram/webhook/<id>/` with the secret from
 * TELEGRAM_WEBHOOK_SECRET, then reads back getWebhookInfo. Every input is checked before the first call.
 */
export async function registerWebhooks(request: RegisterRequest, options: WebhookOptions = {}): Promise<WebhookReport> {
  const env = options.env ?? process.env
  const base = resolveWebhookBase(request.baseUrl, env)
  readWebhookSecret(env)
  const maxConnections = checkMaxConnections(request.maxConnections)
  const {allowedUpdates, warnings} = parseAllowedUpdates(request.allowedUpdates)
  const {secret, notes, storeWarnings} = await secretForRegister(request, env)
  const report = await forEachBot(request, {...options, env}, async (session) => {
    const webhookId = await webhookBotId(session)
    await session.client.setWebhook({
      url: webhookUrl(base, webhookId),
      secret_token: secret.value,
      drop_pending_updates: request.dropPendingUpdates || undefined,
      allowed_updates: allowedUpdates as MethodParams<'setWebhook'>['allowed_updates'],
      max_connections: maxConnections,
    })
    return {webhookId, info: await session.client.getWebhookInfo()}
  })
  return {outcomes: report.outcomes, warnings: [...warnings, ...storeWarnings, ...report.warnings], notes}
}

/** TELEGRAM_WEBHOOK_SECRET, else the one in the store (generated now if there is none): a webhook always has one. */
async function secretForRegister(request: RegisterRequest, env: Env): Promise<{secret: WebhookSecret; notes: string[]; storeWarnings: string[]}> {
  const fromEnv = readWebhookSecret(env)
  if (fromEnv !== undefined) {
    registerSecret(fromEnv)
    return {secret: {value: fromEnv, source: 'env'}, notes: [], storeWarnings: []}
  }
  const stateDir = resolveStateDir(request.stateDir, env)
  const {openStore} = await import('../store/select-store.js')
  // Redis unreachable is the door's warning to print (and to carry in --json), as for every other command.
  const storeWarnings: string[] = []
  const store = await openStore({stateDir, env, configPath: request.configPath, onWarning: (line) => storeWarnings.push(line)})
  try {
    const unreachable = await unreachableSecretStore(store, env)
    if (unreachable !== undefined) throw secretStoreError(unreachable, 'nothing was registered')
    const warnedBefore = storeWarnings.length
    const secret = await ensureWebhookSecret(store.kv, env)
    // Redis stopped answering between the check and the write: the secret may be on this host's files alone.
    if (store.kind === 'redis' && storeWarnings.length > warnedBefore) {
      throw secretStoreError({line: `store ${(await store.describe()).target} stopped answering`, refused: false}, 'nothing was registered')
    }
    const where = store.kind === 'redis' ? 'the Redis store' : `${stateDir} (0600)`
    const said = secret.source === 'generated' ? 'generated a webhook secret and stored it in' : 'using the webhook secret stored in'
    return {secret, notes: [`${said} ${where}; webhook serve reads it there (or set TELEGRAM_WEBHOOK_SECRET)`], storeWarnings}
  } finally {
    await store.close()
  }
}

export interface InfoRequest extends BotChoice {
  /** The file store, where a stopped serve keeps the updates it had not handled. @default as for the other doors */
  stateDir?: string
}

/** `webhook info`: getWebhookInfo for each chosen bot, and the updates a stopped serve kept for it in the store. */
export async function readWebhookInfo(request: InfoRequest, options: WebhookOptions = {}): Promise<WebhookReport> {
  const env = options.env ?? process.env
  const [{openStore}, {keptUpdatesWaiting}] = await Promise.all([import('../store/select-store.js'), import('./kept-updates.js')])
  const warnings: string[] = []
  const store = await openStore({stateDir: resolveStateDir(request.stateDir, env), env, configPath: request.configPath, onWarning: (line) => warnings.push(line)})
  try {
    const report = await forEachBot(request, {...options, env}, async (session) => {
      const info = await session.client.getWebhookInfo()
      // What Telegram says comes first: the kept updates (the id of a bot outside the registry asks getMe, then the
      // store) cost only a warning line when they cannot be read.
      const found = await webhookBotId(session)
        .then(async (webhookId) => ({webhookId, waiting: await keptUpdatesWaiting(store.kv, webhookId)}))
        .catch((error: unknown) => void warnings.push(`${botLabel(session)}: kept updates not read: ${errorMessage(error)}`))
      if (found === undefined) return {info}
      const {webhookId, waiting} = found
      const kept = {updates: waiting.updates, ...(waiting.since === undefined ? {} : {since: new Date(waiting.since).toISOString()})}
      return {webhookId, info, kept}
    })
    return {outcomes: report.outcomes, warnings: [...warnings, ...report.warnings]}
  } finally {
    await store.close()
  }
}

/**
 * `webhook delete`: removes the webhook, so getUpdates (`discover`) works again. `info` is what was set before.
 * @param dropPendingUpdates @default false
 */
export function deleteWebhooks(choice: BotChoice, dropPendingUpdates = false, options: WebhookOptions = {}): Promise<WebhookReport> {
  return forEachBot(choice, options, async (session) => {
    const info = await session.client.getWebhookInfo()
    await session.client.deleteWebhook({drop_pending_updates: dropPendingUpdates || undefined})
    return {info}
  })
}
