// api-root.js, not the api barrel: `config show` has no use for the client and its transport.
import {apiRootFromEnv} from '../api/api-root.js'
import {displayProxy, proxySettingsFromEnv} from '../api/proxy-env.js'
import {type BotRequest, type Env, type ResolvedBot, resolveBotShowingUnreadable} from '../config/index.js'
import {describeFailure, type FailureDescription} from '../describe-failure.js'
import {maskToken, redact} from '../redact.js'

export interface ConfigReport {
  /** `fallbackFor`: the name asked for, when no layer had it and TELEGRAM_BOT_TOKEN answered (the seed's rule). */
  bot: {name?: string; registryId?: number; layer: ResolvedBot['layer']; fallbackFor?: string}
  /** `value` null, and `problem` said, when a registry token cannot be read: the report still shows the rest. */
  token: {value: string; source: string; problem?: undefined} | {value: null; source: string; problem: string}
  chats: {value: Array<number | string>; source: string}
  thread?: {value: number; source: string}
  /** Redacted (a URL password, a token in its path), as every value here is what may be printed. */
  apiRoot: {value: string; source: string}
  /** The proxy the API root is reached through (scheme, host and port only), or `none (direct)` when NO_PROXY covers
   * it; absent when no proxy variable applies. */
  proxy?: {value: string; source: string}
  registry?: string
  warnings: string[]
  /** The failure a broken config is (an unreadable token), as the door reports it when it exits non-zero. */
  error?: Pick<FailureDescription, 'code' | 'message' | 'exitCode'>
}

/**
 * `config show`: the values a command would use, each with its source; the token masked. A registry token that cannot
 * be read is reported with its problem (never any of it) and `error`, the failure any other command would stop on.
 */
export async function buildConfigReport(request: BotRequest, env: Env = process.env): Promise<ConfigReport> {
  const apiRoot = apiRootFromEnv(env)
  // What a command would refuse, this refuses too: a bad proxy variable.
  const proxy = proxySettingsFromEnv(env).sourceFor(new URL(apiRoot.value))
  const resolved = await resolveBotShowingUnreadable(request, env)
  const {token} = resolved
  const failure = 'unreadable' in token ? describeFailure(token.unreadable) : undefined
  return {
    bot: {
      name: resolved.name,
      registryId: resolved.registryId,
      layer: resolved.layer,
      ...(resolved.fallbackFor === undefined ? {} : {fallbackFor: resolved.fallbackFor}),
    },
    token: 'unreadable' in token ? {value: null, source: token.source, problem: token.unreadable.problem} : {value: maskToken(token.value), source: token.source},
    chats: {value: resolved.chats.value.map((target) => target.chatId), source: resolved.chats.source},
    ...(resolved.threadId ? {thread: resolved.threadId} : {}),
    apiRoot: {value: redact(apiRoot.value), source: apiRoot.source},
    ...(proxy ? {proxy: {value: proxy.proxy ? displayProxy(proxy.proxy) : 'none (direct)', source: `env ${proxy.variable}`}} : {}),
    registry: resolved.registry?.display,
    warnings: resolved.warnings,
    ...(failure ? {error: {code: failure.code, message: failure.message, exitCode: failure.exitCode}} : {}),
  }
}
