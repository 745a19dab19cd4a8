import type {Update, WebhookInfo} from '@grammyjs/types'
import {badRequest, FakeApiError} from './api-error.js'
import {DescribedResult, type MethodContext, type MethodHandler} from './method-context.js'
import type {BotState} from './state.js'

const WEBHOOK_PORTS = new Set(['', '80', '88', '443', '8443'])

const webhookConflict = () =>
  new FakeApiError(
    409,
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
  )

/** Ends a long poll that is still waiting, the way Telegram does when another request takes over. */
function terminatePoll(bot: BotState, by: string): void {
  bot.poll?.wake(new FakeApiError(409, `Conflict: terminated by ${by}`))
}

/** Forgets updates the caller confirmed: below a positive offset, or all but the last -offset ones. */
function confirm(bot: BotState, offset: number | undefined): void {
  if (offset === undefined || offset === 0) return
  bot.updates = offset > 0 ? bot.updates.filter((update) => update.update_id >= offset) : bot.updates.slice(offset)
}

const getUpdates: MethodHandler = async (context) => {
  const {bot, params} = context
  if (bot.webhook !== undefined) throw webhookConflict()
  confirm(bot, params.int('offset'))
  const limit = Math.min(100, Math.max(1, params.int('limit') ?? 100))
  const timeoutSeconds = Math.max(0, params.int('timeout') ?? 0)
  if (bot.updates.length === 0 && timeoutSeconds > 0) await waitForUpdates(context, timeoutSeconds)
  return bot.updates.slice(0, limit)
}

function waitForUpdates(context: MethodContext, timeoutSeconds: number): Promise<void> {
  const {bot, signal} = context
  terminatePoll(bot, 'other getUpdates request; make sure that only one bot instance is running')
  return new Promise<void>((resolve, reject) => {
    const finish = (outcome: 'updates' | FakeApiError) => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      if (bot.poll === poll) bot.poll = undefined
      if (outcome === 'updates') resolve()
      else reject(outcome)
    }
    const onAbort = () => finish('updates')
    const poll = {wake: finish}
    const timer = setTimeout(() => finish('updates'), timeoutSeconds * 1000)
    signal.addEventListener('abort', onAbort)
    bot.poll = poll
  })
}

function dropPending(context: MethodContext): void {
  if (context.params.bool('drop_pending_updates')) context.bot.updates = []
}

const setWebhook: MethodHandler = (context) => {
  const {bot, params} = context
  const url = params.string('url') ?? ''
  if (url === '') return deleteWebhook(context)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw badRequest('bad webhook: An HTTPS URL must be provided for webhook')
  }
  if (parsed.protocol !== 'https:') throw badRequest('bad webhook: An HTTPS URL must be provided for webhook')
  if (!WEBHOOK_PORTS.has(parsed.port)) {
    throw badRequest('bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443')
  }
  const secretToken = params.string('secret_token')
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
    throw badRequest('bad webhook: secret token contains unallowed characters')
  }
  const maxConnections = Math.min(100, Math.max(1, params.int('max_connections') ?? 40))
  const allowedUpdates = params.json<string[]>('allowed_updates') ?? bot.webhook?.allowedUpdates
  const alreadySet = bot.webhook?.url === url
  dropPending(context)
  terminatePoll(bot, 'setWebhook request')
  bot.webhook = {url, secretToken, maxConnections, allowedUpdates}
  return new DescribedResult(true, alreadySet ? 'Webhook is already set' : 'Webhook was set')
}

const deleteWebhook: MethodHandler = (context) => {
  const {bot} = context
  const wasSet = bot.webhook !== undefined
  bot.webhook = undefined
  dropPending(context)
  return new DescribedResult(true, wasSet ? 'Webhook was deleted' : 'Webhook is already deleted')
}

const getWebhookInfo: MethodHandler = ({bot}) => {
  const info: WebhookInfo = {url: bot.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: 0}
  info.pending_update_count = bot.updates.length
  const webhook = bot.webhook
  if (webhook === undefined) return info
  info.ip_address = '149.154.167.220'
  if (webhook.lastErrorDate !== undefined) info.last_error_date = webhook.lastErrorDate
  if (webhook.lastErrorMessage !== undefined) info.last_error_message = webhook.lastErrorMessage
  info.max_connections = webhook.maxConnections
  if (webhook.allowedUpdates !== undefined) {
    info.allowed_updates = webhook.allowedUpdates as Array<Exclude<keyof Update, 'update_id'>>
  }
  return info
}

export const updateMethods: Record<string, MethodHandler> = {getUpdates, setWebhook, deleteWebhook, getWebhookInfo}
