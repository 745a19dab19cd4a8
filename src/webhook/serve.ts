import {resolveStateDir} from '../support/state-dir.js'
import {pruneButtonKeys} from './alert-buttons.js'
import {handleUpdate, updateLane} from './handle-update.js'
import {pruneKeptUpdates} from './kept-updates.js'
import {openKeptUpdates} from './kept-updates-watch.js'
import type {BotChoice, WebhookOptions} from './register.js'
import {type AlertMuter, openServedBots, type ServedBot, type UpdateContext} from './served-bot.js'
import {type HandledUpdate, startWebhookServer, type WebhookOutcome, type WebhookServer} from './webhook-server.js'
import type {MonitorStore} from '../store/monitor-state.js'
import type {Store} from '../store/select-store.js'
import type {LinkStore} from '../store/link-store.js'
import type {KeyValueStore, OutboxStore} from '../store/types.js'
import {UserError} from '../user-error.js'
import {findWebhookSecret, secretStoreError, unreachableSecretStore} from './webhook-secret.js'
import {checkPathPrefix, resolveWebhookBase, SECRET_VAR, webhookPath} from './webhook-url.js'

/** Said at start and in the README: operators lose hours to a webhook that silently swallows getUpdates. */
export const WEBHOOK_EXCLUDES_POLLING =
  'a webhook and getUpdates exclude each other: while a webhook is registered (webhook register), `discover` ' +
  'cannot read updates; `webhook delete` switches back'

export interface ServeRequest extends BotChoice {
  /** 0 picks a free port. */
  port: number
  /** @default '127.0.0.1' */
  host?: string
  /** Throttle state (for Mute) and alert-button keys. @default FASTPAY_TG_STATE_DIR, else ~/.local/state/fastpay-tg */
  stateDir?: string
  /** @default 10000 */
  requestTimeoutMs?: number
  /** @default 1048576 */
  maxBodyBytes?: number
  /** Serve without any secret: anyone who reaches the port can post updates. @default false */
  insecureNoSecret?: boolean
  /** A path the proxy keeps before `/api/telegram/webhook/<id>/`. @default the path of TELEGRAM_WEBHOOK_BASE_URL or SITE_URL */
  pathPrefix?: string
  /**
   * How long a stop waits for queued updates before it keeps the rest in the store for the next serve.
   * @default 10000 (the door passes --drain-seconds)
   */
  drainMs?: number
}

export interface ServeOptions extends WebhookOptions {
  /** One line per handled update, with the update it is about. */
  log: (line: string, about: HandledUpdate) => void
  /** Refused requests and failed updates, already redacted. */
  logError: (line: string) => void
  /** @default the throttle of the configured store (files in the state dir, or Redis), the one `alert` consults */
  muter?: AlertMuter
  /** Button signing keys and a stored webhook secret. @default the configured store's */
  keyValue?: KeyValueStore
  /** Link tokens and linked chats (/link, /stop). @default the configured store's */
  links?: LinkStore
  /** @default `monitorStatus` of the configured store's monitor state, if given: see UpdateContext.statusSections */
  statusSections?: UpdateContext['statusSections']
  /**
   * What /status adds from the monitor's state (the door passes monitor's `monitorStatusSections`): the webhook
   * feature does not reach into the monitor itself. @default nothing
   */
  monitorStatus?: (monitor: MonitorStore) => UpdateContext['statusSections']
  /** Told what became of each request, by bot name (`unknown` when no served bot is sure): the metrics. */
  onOutcome?: (bot: string, outcome: WebhookOutcome) => void
}

export interface RunningServe {
  server: WebhookServer
  bots: ServedBot[]
  /** Lines for stderr: config warnings, a missing secret. */
  warnings: string[]
  /** The configured store's outbox, when serve opened the store (the metrics count its entries). */
  outbox?: OutboxStore
  /** Updates an earlier serve kept at its stop, handled first by this one. */
  keptAtStart: number
  /**
   * Stops the server: queued updates finish within the drain time; those not started by then are kept in the store
   * (counted in `kept`), those still being handled are named in an error line (counted in `abandoned`: their calls
   * still hold the process). Then the store connection. `cutShort` ends the wait for queued updates early (a second
   * signal): the rest is kept as at the end of the drain time.
   */
  close(cutShort?: AbortSignal): Promise<{kept: number; abandoned: number}>
}

/** `webhook serve`: opens the bots (getMe each), then listens. Nothing about the webhook registration changes. */
export async function startServe(request: ServeRequest, options: ServeOptions): Promise<RunningServe> {
  const env = options.env ?? process.env
  // Checked before anything is opened: a prefix no request can match would make every update a 404.
  const pathPrefix = request.pathPrefix === undefined ? basePath(env) : checkPathPrefix(request.pathPrefix)
  const stateDir = resolveStateDir(request.stateDir, env)
  // Mute writes where `alert` reads: the shared store (Redis for a fleet) when one is configured, else the files.
  let {muter, keyValue, links, statusSections} = options
  let closeStore = async () => {}
  let outbox: OutboxStore | undefined
  let opened: Store | undefined
  // Held until serve listens (or fails to): a start refused because the store is unreachable says so in its error.
  let heldWarnings: string[] | undefined = []
  const warn = (line: string) => (heldWarnings ? heldWarnings.push(line) : options.logError?.(`warning: ${line}`))
  const releaseWarnings = () => {
    const lines = heldWarnings ?? []
    heldWarnings = undefined
    for (const line of lines) warn(line)
  }
  if (muter === undefined || keyValue === undefined || links === undefined || statusSections === undefined) {
    const {openStore} = await import('../store/select-store.js')
    const store = await openStore({stateDir, env, configPath: request.configPath, onWarning: warn})
    opened = store
    muter ??= store.throttle
    keyValue ??= store.kv
    links ??= store.links
    // /status shows the monitor's last results next to the bots, from the same store.
    statusSections ??= options.monitorStatus?.(store.monitor)
    outbox = store.outbox
    closeStore = () => store.close()
  }
  // Unreachable (the store was opened just above when none was given): narrows the type.
  if (links === undefined) throw new Error('webhook serve: no link store')
  try {
    // On a fleet's Redis that does not answer, no secret is read from this host's files: none, or a stale one.
    const unreachable = opened === undefined ? undefined : await unreachableSecretStore(opened, env)
    if (unreachable !== undefined && !request.insecureNoSecret) {
      // Its one line names the store: the fallback warning would say it twice.
      heldWarnings = undefined
      throw secretStoreError(unreachable, 'not serving (--insecure-no-secret serves without one)')
    }
    const secret = unreachable === undefined ? await findWebhookSecret(keyValue, env) : undefined
    if (secret === undefined && !request.insecureNoSecret) {
      throw new UserError(`no webhook secret: set ${SECRET_VAR}, or run \`webhook register\` (it generates one), or pass --insecure-no-secret`)
    }
    const {bots, registry, warnings} = await openServedBots(request, {...options, env})
    if (secret === undefined) warnings.push(`--insecure-no-secret: every request is accepted, whoever sends it`)
    const context: UpdateContext = {
      registry,
      links,
      stateDir,
      muter,
      keyValue,
      env,
      statusSections,
    }
    const running = await listen(request, options, {bots, warnings, context, secret: secret?.value, closeStore, pathPrefix})
    releaseWarnings()
    return outbox ? {...running, outbox} : running
  } catch (error) {
    releaseWarnings()
    await closeStore()
    throw error
  }
}

/** The path of the configured base URL (`https://ops.example.com/tg` → `/tg`), '' when there is none. */
function basePath(env: NonNullable<ServeOptions['env']>): string {
  try {
    return resolveWebhookBase(undefined, env).url.pathname.replace(/\/+$/, '')
  } catch {
    return ''
  }
}

interface Prepared {
  bots: ServedBot[]
  warnings: string[]
  context: UpdateContext
  secret: string | undefined
  pathPrefix: string
  closeStore: () => Promise<void>
}

const PRUNE_EVERY_MS = 3_600_000

async function listen(request: ServeRequest, options: ServeOptions, {bots, warnings, context, secret, pathPrefix, closeStore}: Prepared): Promise<RunningServe> {
  // Long alert keys' map entries, kept updates nobody took and spent link tokens outlive their use: prune now and
  // every hour while serving.
  const prune = () =>
    Promise.all([pruneButtonKeys(context), context.keyValue && pruneKeptUpdates(context.keyValue), context.links.removeExpiredTokens()]).catch((error: unknown) =>
      options.logError?.(`webhook: pruning expired keys failed: ${String(error)}`),
    )
  await prune()
  const pruning = setInterval(() => void prune(), PRUNE_EVERY_MS).unref()
  const kept = await openKeptUpdates(
    context.keyValue,
    bots.map((bot) => bot.webhookId),
    {env: context.env ?? process.env, logError: options.logError},
  )
  const server = await startWebhookServer<ServedBot>({
    bots: new Map(bots.map((bot) => [bot.webhookId, bot])),
    handle: (bot, update) => handleUpdate(bot, update, context),
    laneOf: updateLane,
    port: request.port,
    host: request.host,
    secret,
    pathPrefix,
    maxBodyBytes: request.maxBodyBytes,
    requestTimeoutMs: request.requestTimeoutMs,
    log: options.log,
    logError: options.logError,
    ...(options.onOutcome ? {onOutcome: (bot: ServedBot | undefined, outcome: WebhookOutcome) => options.onOutcome!(bot?.name ?? bot?.me.username ?? 'unknown', outcome)} : {}),
  }).catch(async (error: unknown) => {
    // Not serving after all (a port taken): what was taken goes back for the next start.
    await kept.keep(kept.atStart)
    clearInterval(pruning)
    throw error
  })
  // Queued in the turn the server starts listening: before any new update of the same chat.
  let keptAtStart = 0
  for (const update of kept.atStart) keptAtStart += server.handleKept(update) ? 1 : 0
  kept.watch((update) => server.handleKept(update))
  return {
    server,
    bots,
    warnings,
    keptAtStart,
    close: async (cutShort) => {
      clearInterval(pruning)
      try {
        // Before the server stops: what a look takes in the meantime is queued, then handled or kept like the rest.
        await kept.stop()
        const left = await server.close(request.drainMs, cutShort)
        if (left.running.length > 0) {
          const ids = left.running.map(({update}) => update.update_id).join(', ')
          options.logError(`webhook: stopped while handling update ${ids}: what it was replying may not have gone out`)
        }
        return {kept: await kept.keep(left.waiting), abandoned: left.running.length}
      } finally {
        await closeStore()
      }
    },
  }
}

/** A served bot as `webhook serve --json` reports it. */
export function servedBotFields(bot: ServedBot): {name?: string; username: string; webhookId: number; path: string} {
  return {...(bot.name === undefined ? {} : {name: bot.name}), username: bot.me.username, webhookId: bot.webhookId, path: webhookPath(bot.webhookId)}
}

/** `alerts (@fastpay_alerts_bot) at /api/telegram/webhook/1/` */
export function describeServedBot(bot: ServedBot): string {
  return `${bot.name ?? 'bot'} (@${bot.me.username}) at ${webhookPath(bot.webhookId)}`
}
