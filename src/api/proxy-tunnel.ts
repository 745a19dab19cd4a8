import type * as http from 'node:http'
import type {IncomingMessage} from 'node:http'
import type * as https from 'node:https'
import type {Socket} from 'node:net'
import type {Duplex} from 'node:stream'
import type {ConnectionOptions} from 'node:tls'
import {ProxyRefusedError, ProxyUnreachableError} from './proxy-errors.js'

// node:https and node:tls are taken (process.getBuiltinModule: the same objects `import` gives, as nock patches them)
// when a tunnel is made, not when this file loads: loading them and Node's crypto costs a start ~10 M instructions,
// which a run whose API root is http:// without a proxy (the suite's fake Bot API, a local Bot API server) never uses.

/** Basic credentials from the proxy URL's userinfo, percent-decoded as curl does. */
export function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username && !proxy.password) return {}
  const credentials = Buffer.concat([percentDecoded(proxy.username), Buffer.from(':'), percentDecoded(proxy.password)])
  return {'proxy-authorization': `Basic ${credentials.toString('base64')}`}
}

/**
 * curl's decoding: `%XX` is that byte, and a `%` without two hex digits after it stays itself (a generated password
 * such as `50%off`). decodeURIComponent throws on the latter, and the request failed as "URI malformed".
 */
function percentDecoded(text: string): Buffer {
  return Buffer.concat(text.split(/(%[0-9A-Fa-f]{2})/).map((part, index) => (index % 2 === 1 ? Buffer.from(part.slice(1), 'hex') : Buffer.from(part))))
}

/** Request options may carry the call's signal here: Node hands custom options to createConnection, not `signal`. */
export interface TunnelRequestOptions extends https.RequestOptions {
  tunnelSignal?: AbortSignal
}

/**
 * An https.Agent whose connections are TLS inside a `CONNECT host:port` tunnel through an HTTP(S) proxy. Tunnels are
 * pooled and kept alive like direct connections, so several calls of one process pay for one CONNECT.
 */
export function createTunnelingAgent(proxy: URL, options: https.AgentOptions): https.Agent {
  tunnelingAgentClass ??= defineTunnelingAgent(process.getBuiltinModule('node:https').Agent)
  return new tunnelingAgentClass(proxy, options)
}

let tunnelingAgentClass: ReturnType<typeof defineTunnelingAgent> | undefined

/** The class, made on the first tunnel: it extends node:https's Agent, loaded then. */
const defineTunnelingAgent = (Agent: typeof https.Agent) =>
  class TunnelingAgent extends Agent {
    constructor(
      readonly proxy: URL,
      options: https.AgentOptions,
    ) {
      super(options)
    }

    override createConnection(requestOptions: http.ClientRequestArgs, callback?: (error: Error | null, socket: Duplex) => void): undefined {
      const options = requestOptions as TunnelRequestOptions & ConnectionOptions
      const target = `${options.host}:${options.port}`
      const proxy = this.proxy
      const secureProxy = proxy.protocol === 'https:'
      const connectRequest = (secureProxy ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http')).request({
        host: proxy.hostname.replace(/^\[|\]$/g, ''),
        port: proxy.port || (secureProxy ? 443 : 80),
        method: 'CONNECT',
        path: target,
        headers: {host: target, ...proxyAuthorization(proxy)},
        agent: false,
        signal: options.tunnelSignal,
      })
      let settled = false
      const settle = (error: Error | null, socket?: Duplex) => {
        if (settled) return
        settled = true
        callback?.(error, socket as Duplex)
      }
      connectRequest.once('connect', (answer: IncomingMessage, socket: Socket, head: Buffer) => {
        if (answer.statusCode !== 200) {
          socket.destroy()
          settle(new ProxyRefusedError(proxy, answer.statusCode ?? 0, answer.statusMessage ?? ''))
          return
        }
        if (head.length > 0) socket.unshift(head)
        const {tunnelSignal: _signal, ...tlsOptions} = options
        settle(null, process.getBuiltinModule('node:tls').connect({...tlsOptions, socket}))
      })
      // A non-2xx answer with a body may come as a plain response on some proxies.
      connectRequest.once('response', (answer: IncomingMessage) => {
        answer.resume()
        settle(new ProxyRefusedError(proxy, answer.statusCode ?? 0, answer.statusMessage ?? ''))
      })
      connectRequest.once('error', (error) => {
        settle(options.tunnelSignal?.aborted ? error : new ProxyUnreachableError(proxy, error))
      })
      connectRequest.end()
      return undefined
    }
  }
