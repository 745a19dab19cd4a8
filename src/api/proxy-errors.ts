// The proxy's failures, apart from the tunnel itself: reading an answer must not load node:http, node:https and
// node:tls, which a process that never calls Telegram (a suppressed alert) should not pay for.
import {displayProxy} from './proxy-env.js'

/** The proxy answered CONNECT with something else than 200: it will not carry this request. */
export class ProxyRefusedError extends Error {
  override readonly name = 'ProxyRefusedError'

  constructor(
    proxy: URL,
    readonly status: number,
    statusText: string,
  ) {
    super(proxyRefusal(displayProxy(proxy), 'tunnel', status, statusText))
  }
}

/**
 * A proxy's refusal in one line, for a tunnel (CONNECT) and a forwarded request (absolute form) alike. A 407 is
 * the proxy's own login failing, which the Telegram token has nothing to do with: the line says what to check.
 */
export function proxyRefusal(display: string, what: 'tunnel' | 'request', status: number, statusText: string): string {
  const hint = status === 407 ? ": check the proxy's user and password" : ''
  return `proxy ${display} refused the ${what}: ${`${status} ${statusText}`.trim()}${hint}`
}

/** Reaching the proxy itself failed (refused, reset, unknown host): the message names it, without credentials. */
export class ProxyUnreachableError extends Error {
  override readonly name = 'ProxyUnreachableError'

  constructor(proxy: URL, cause: Error) {
    super(`proxy ${displayProxy(proxy)} unreachable: ${cause.message || (cause as NodeJS.ErrnoException).code || 'connection failed'}`, {cause})
  }
}
