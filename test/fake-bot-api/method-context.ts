import type {Params} from './api-error.js'
import type {RateLimiter} from './rate-limiter.js'
import type {BotState, FakeState} from './state.js'
import type {UploadedFile} from './types.js'

export interface MethodContext {
  state: FakeState
  bot: BotState
  params: Params
  files: UploadedFile[]
  limiter: RateLimiter
  /** Aborted when the client hangs up before the answer (matters for long polls). */
  signal: AbortSignal
  strictAmpersand: boolean
}

/** Returns the method's `result`; throws FakeApiError for `ok: false`. */
export type MethodHandler = (context: MethodContext) => unknown

/** A successful answer that also carries Telegram's `description` (setWebhook does: "Webhook was set"). */
export class DescribedResult {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}
