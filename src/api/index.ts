export {BotApiClient, type BotApiClientOptions, type CallOptions, type MethodParams, type MethodResult} from './client.js'
export {
  isTelegramApiError,
  isTelegramNetworkError,
  type NetworkErrorKind,
  TelegramApiError,
  TelegramNetworkError,
} from './errors.js'
export type {InputFileSource} from './input-file.js'
export {backoffDelayMs, type RetryOptions} from './retry.js'
export {createTransport, proxyFromEnv, type Transport} from './transport.js'
