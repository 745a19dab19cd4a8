import {resolveStateDir} from '../alert/state-dir.js'
import {monitorStatusSections} from '../monitor/status.js'
import {handleUpdate, updateLane} from './handle-update.js'
import type {BotChoice, WebhookOptions} from './register.js'
import {type AlertMuter, openServedBots, type ServedBot, type UpdateContext} from './served-bot.js'
import {startWebhookServer, type WebhookServer} from './webhook-server.js'
import {readWebhookSecret, SECRET_VAR, webhookPath} from './webhook-url.js'

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
}

export interface ServeOptions extends WebhookOptions {
  /** One line per handled update and the start-up lines. */
  log: (line: string) => void
  /** Refused requests and failed updates, already redacted. */
  logError: (line: string) => void
  /** @default the throttle of the configured store (files in the state dir, or Redis), the one `alert` consults */
  muter?: AlertMuter
  /** @default the monitor's last results in the state dir: see UpdateContext.statusSections */
  statusSections?: UpdateContext['statusSections']
}

export interface RunningServe {
  server: WebhookServer
  bots: ServedBot[]
  /** Lines for stderr: config warnings, a missing secret. */
  warnings: string[]
  /** Stops the server (queued updates finish first), then the store connection. */
  close(): Promise<void>
}

/** `webhook serve`: opens the bots (getMe each), then listens. Nothing about the webhook registration changes. */
export async function startServe(request: ServeRequest, options: ServeOptions): Promise<RunningServe> {
  const env = options.env ?? process.env
  const secret = readWebhookSecret(env)
  const {bots, registry, warnings} = await openServedBots(request, {...options, env})
  if (secret === undefined) warnings.push(`${SECRET_VAR} is not set: every request is accepted, whoever sends it`)
  const stateDir = resolveStateDir(request.stateDir, env)
  // Mute writes where `alert` reads: the shared store (Redis for a fleet) when one is configured, else the files.
  let muter = options.muter
  let closeStore = async () => {}
  if (muter === undefined) {
    const {openStore} = await import('../store/select-store.js')
    const store = await openStore({stateDir, env, configPath: request.configPath, onWarning: (line) => options.logError?.(`warning: ${line}`)})
    muter = store.throttle
    closeStore = () => store.close()
  }
  const context: UpdateContext = {
    registry,
    stateDir,
    muter,
    // /status shows the monitor's last results next to the bots, from the same state dir.
    statusSections: options.statusSections ?? monitorStatusSections({stateDir, env}),
  }
  const server = await startWebhookServer<ServedBot>({
    bots: new Map(bots.map((bot) => [bot.webhookId, bot])),
    handle: (bot, update) => handleUpdate(bot, update, context),
    laneOf: updateLane,
    port: request.port,
    host: request.host,
    secret,
    maxBodyBytes: request.maxBodyBytes,
    requestTimeoutMs: request.requestTimeoutMs,
    log: options.log,
    logError: options.logError,
  })
  return {
    server,
    bots,
    warnings,
    close: async () => {
      await server.close()
      await closeStore()
    },
  }
}

/** `alerts (@fastpay_alerts_bot) at /api/telegram/webhook/1/` */
export function describeServedBot(bot: ServedBot): string {
  return `${bot.name ?? 'bot'} (@${bot.me.username}) at ${webhookPath(bot.webhookId)}`
}
