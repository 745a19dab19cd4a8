// The webhook door's core. The alert path needs only `alertButtons`/`prepareAlertButtons` (alert-buttons.ts): import
// that file directly to keep node:http and the server out of its load. Linked chats live in the store (link-store.ts).
export {
  alertButtons,
  type AlertButtonAction,
  type AlertButtonsOptions,
  BUTTON_KEYS_KEPT_MS,
  type ButtonSigner,
  DEFAULT_MUTE_SECONDS,
  keyRef,
  looksLikeAlertButton,
  MAX_MUTE_SECONDS,
  parseAlertButton,
  parseAlertButtonNames,
  prepareAlertButtons,
  type PrepareAlertButtonsOptions,
  pruneButtonKeys,
  resolveKeyRef,
} from './alert-buttons.js'
export {botIdOfToken, buttonMac, buttonSigningKey, existingButtonSigningKey, macMatches, type SignedFields} from './button-signing.js'
export {type PressVerdict, verifyPress} from './verify-press.js'
export {ensureWebhookSecret, findWebhookSecret, generateWebhookSecret, STORED_SECRET_KEY, type WebhookSecret} from './webhook-secret.js'
export {handleCallbackQuery} from './alert-callbacks.js'
export {parseCommand, replyTo} from './bot-commands.js'
export {describeWebhookInfo, utcDateTime} from './describe-webhook-info.js'
export {handleUpdate, updateLane} from './handle-update.js'
export {
  consumeLinkToken,
  createLinkToken,
  type CreateLinkTokenOptions,
  type LinkingChat,
  type LinkOutcome,
  type NewLinkToken,
  parseChannels,
  parseTtlSeconds,
  unlinkChat,
} from './link-tokens.js'
export {
  type BotChoice,
  deleteWebhooks,
  readWebhookInfo,
  type RegisterRequest,
  registerWebhooks,
  type WebhookOptions,
  type WebhookOutcome,
  type WebhookReport,
} from './register.js'
export {listLinkedChats, type LinkStoreRequest, type Unlinked, unlinkLinkedChat, withLinkStore} from './manage-links.js'
export {type AlertMuter, openServedBots, type ServedBot, type UpdateContext} from './served-bot.js'
export {describeServedBot, type RunningServe, type ServeOptions, type ServeRequest, startServe, WEBHOOK_EXCLUDES_POLLING} from './serve.js'
export {UpdateQueue, type UpdateQueueOptions} from './update-queue.js'
export {startWebhookServer, type WebhookServer, type WebhookServerOptions} from './webhook-server.js'
export {oneLine, webhookRoute} from './webhook-route.js'
export {
  BASE_URL_VAR,
  checkMaxConnections,
  parseAllowedUpdates,
  readWebhookSecret,
  resolveWebhookBase,
  SECRET_VAR,
  SITE_URL_VAR,
  UPDATE_TYPES,
  type WebhookBase,
  webhookPath,
  WEBHOOK_PATH_PREFIX,
  webhookUrl,
} from './webhook-url.js'
