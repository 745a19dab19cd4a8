export {API_ROOT_VAR, type ApiRoot, apiRootFromEnv, DEFAULT_API_ROOT} from './api-root.js'
export {BotApiClient, type BotApiClientOptions, type CallOptions, type MethodParams, type MethodResult} from './client.js'
export {
  isTelegramApiError,
  isTelegramNetworkError,
  markupRefusal,
  type NetworkErrorKind,
  TelegramApiError,
  TelegramNetworkError,
} from './errors.js'
export {FloodWaitError, FloodWaitGate, type FloodWaitOptions, type FloodWaitRecord, floodWaitClockFromEnv} from './flood-wait.js'
export type {InputFileSource} from './input-file.js'
export {backoffDelayMs, type RetryOptions} from './retry.js'
// createTransport and proxyFromEnv stay in ./transport.js: a re-export here would load node:http, node:https and
// node:tls into every process that imports the client, before it knows whether it will call Telegram.
export type {Transport} from './transport.js'
