import * as http from 'node:http'
import type * as https from 'node:https'
import {MultipartForm} from './multipart.js'
import {displayProxy, proxySettingsFromEnv} from './proxy-env.js'
import {createTunnelingAgent, proxyAuthorization, type TunnelRequestOptions} from './proxy-tunnel.js'
import {RequestTimeoutError} from './request-timeout.js'

/**
 * node:https, taken on the first https:// call or proxy (process.getBuiltinModule: the object `import` gives, which
 * nock patches): it loads node:tls and Node's crypto, ~10 M instructions a start that an http:// API root (the suite's
 * fake Bot API, a local Bot API server) never uses.
 */
const httpsModule = (): typeof https => process.getBuiltinModule('node:https')

/** The parts of a fetch answer the client reads. */
export interface FetchAnswer {
  status: number
  statusText: string
  text(): Promise<string>
}

export interface FetchInit {
  method: string
  headers?: Record<string, string>
  body?: string | FormDataLike
  signal?: AbortSignal
  /**
   * A deadline for the request (connect, send, the whole answer): past it, the request is destroyed and fails with a
   * RequestTimeoutError as its cause. While a form's body streams out it counts from the body's last progress, and
   * the answer then gets a whole timeoutMs: a slow upload is not a dead one. One timer, where an `AbortSignal.timeout` per call costs a signal, its
   * listeners on the request and a weak reference for the GC. @default none
   */
  timeoutMs?: number
}

export interface FormDataLike {
  append(name: string, value: string | Blob, filename?: string): void
  /** When present, a file part streamed from disk at send time (else the caller appends a file-backed Blob). */
  appendFile?(name: string, file: {path: string; size: number; type: string}, filename: string): void
}

export interface Transport {
  fetch(url: string, init: FetchInit): Promise<FetchAnswer>
  /** A form this transport can send. */
  createFormData(): FormDataLike
  /** The proxy URL in use, for debug lines; undefined when connecting directly. */
  proxy: string | undefined
  /** The proxy a request to `url` goes through, as it may be shown (no credentials); undefined when direct. */
  proxyFor?(url: string): string | undefined
}

/** Proxy variables in the order curl and undici read them (lowercase first). */
const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] as const

export function proxyFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const name of PROXY_VARIABLES) {
    const value = env[name]
    if (value) return value
  }
  return undefined
}

const AGENT_OPTIONS = {keepAlive: true, scheduling: 'lifo'} as const
/** One pool per route for the whole process: every client of a monitor pass or a multi-chat send shares sockets. */
const agents = new Map<string, http.Agent>()

function pooled<A extends http.Agent>(key: string, create: () => A): A {
  let agent = agents.get(key)
  if (agent === undefined) {
    agent = create()
    agents.set(key, agent)
  }
  return agent as A
}

/**
 * Bot API calls over node:http / node:https with keep-alive pools. Not fetch: the first fetch() of a process loads
 * Node's internal undici and compiles its WebAssembly parser (~50 ms, ~40 MiB), more than a whole `send` needs.
 * Proxies as curl reads them: https:// targets through a CONNECT tunnel, http:// targets in absolute form.
 */
export async function createTransport(env: NodeJS.ProcessEnv = process.env): Promise<Transport> {
  const settings = proxySettingsFromEnv(env)
  const proxy = proxyFromEnv(env)
  // A client calls the same few method URLs over and over: each is parsed, and its proxy chosen, once.
  const routes = new Map<string, Route>()
  const routeOf = (url: string): Route => {
    let route = routes.get(url)
    if (route === undefined) {
      const target = new URL(url)
      route = {target, proxy: settings.proxyFor(target)}
      if (routes.size >= ROUTES_KEPT) routes.clear()
      routes.set(url, route)
    }
    return route
  }
  return {
    fetch: (url, init) => send(routeOf(url), init),
    createFormData: () => new MultipartForm(),
    proxy: proxy === undefined ? undefined : displayProxy(proxy),
    proxyFor(url) {
      const via = routeOf(url).proxy
      return via === undefined ? undefined : displayProxy(via)
    },
  }
}

/** A request target, parsed, and the proxy it goes through (undefined: direct). */
interface Route {
  target: URL
  proxy: URL | undefined
  /** Without a proxy: the request's module and options but the call's own, worked out on the first call. */
  direct?: {module: typeof http | typeof https; options: TunnelRequestOptions}
}

/** Method URLs of a process: a few per bot. Beyond this many, the cache starts over (it only saves parsing). */
const ROUTES_KEPT = 256

function send(route: Route, init: FetchInit): Promise<FetchAnswer> {
  const {target, proxy} = route
  const headers: Record<string, string> = {...init.headers}
  let payload: string | MultipartForm | undefined
  if (init.body instanceof MultipartForm) {
    headers['content-type'] = init.body.contentType
    headers['content-length'] = String(init.body.length)
    payload = init.body
  } else if (typeof init.body === 'string') {
    headers['content-length'] = String(Buffer.byteLength(init.body))
    payload = init.body
  } else if (init.body !== undefined) {
    throw new TypeError('this transport sends strings and forms it created')
  }
  if (proxy === undefined) {
    route.direct ??= directRequest(target)
    const {module, options} = route.direct
    return request(module, {...options, method: init.method, headers, signal: init.signal}, payload, init.timeoutMs)
  }
  if (target.protocol === 'https:') {
    const options = {agent: pooled(`tunnel ${proxy.href}`, () => createTunnelingAgent(proxy, AGENT_OPTIONS)), tunnelSignal: tunnelSignal(init)}
    return request(httpsModule(), {...options, ...targetOptions(target), method: init.method, headers, signal: init.signal}, payload, init.timeoutMs)
  }
  // Absolute form (`POST http://host/path`) to the proxy, as curl does for http:// targets.
  const secureProxy = proxy.protocol === 'https:'
  return request(secureProxy ? httpsModule() : http, {
    host: proxy.hostname.replace(/^\[|\]$/g, ''),
    port: proxy.port || (secureProxy ? 443 : 80),
    path: target.href,
    method: init.method,
    headers: {...headers, host: target.host, ...proxyAuthorization(proxy)},
    agent: pooled(`forward ${proxy.href}`, () => keepAliveAgent(secureProxy)),
    signal: init.signal,
  }, payload, init.timeoutMs)
}

/** Where a request to `target` connects, and which path it asks for. */
function targetOptions(target: URL): {host: string; port: string; path: string} {
  const port = target.port || (target.protocol === 'https:' ? '443' : '80')
  return {host: target.hostname.replace(/^\[|\]$/g, ''), port, path: `${target.pathname}${target.search}`}
}

function keepAliveAgent(secure: boolean): http.Agent {
  return secure ? new (httpsModule().Agent)(AGENT_OPTIONS) : new http.Agent(AGENT_OPTIONS)
}

function directRequest(target: URL): NonNullable<Route['direct']> {
  const secure = target.protocol === 'https:'
  const agent = pooled(target.protocol, () => keepAliveAgent(secure))
  return {module: secure ? httpsModule() : http, options: {agent, ...targetOptions(target)}}
}

/**
 * What ends a tunnel's CONNECT, which runs before the request has a socket to destroy: the call's signal, and the
 * deadline. Only a proxied https call pays for a signal of its own.
 */
function tunnelSignal({signal, timeoutMs}: FetchInit): AbortSignal | undefined {
  if (timeoutMs === undefined) return signal
  const deadline = AbortSignal.timeout(timeoutMs)
  return signal === undefined ? deadline : AbortSignal.any([signal, deadline])
}

/**
 * One request and its whole answer, within `timeoutMs` if given. Failures are wrapped as fetch wraps them (`fetch
 * failed`, cause: the reason).
 */
function request(module: typeof http | typeof https, options: TunnelRequestOptions, payload: string | MultipartForm | undefined, timeoutMs?: number): Promise<FetchAnswer> {
  return new Promise((resolve, reject) => {
    let deadline: NodeJS.Timeout | undefined
    let settled = false
    const fail = (error: Error) => {
      settled = true
      clearTimeout(deadline)
      reject(new TypeError('fetch failed', {cause: error}))
    }
    const outgoing = module.request(options, (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.once('error', fail)
      incoming.once('aborted', () => fail(new Error('the connection closed before the answer was complete')))
      incoming.once('end', () => {
        settled = true
        clearTimeout(deadline)
        const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')
        resolve({status: incoming.statusCode ?? 0, statusText: incoming.statusMessage ?? '', text: async () => text})
      })
    })
    outgoing.once('error', fail)
    const arm = () => {
      if (timeoutMs === undefined || settled) return
      clearTimeout(deadline)
      deadline = setTimeout(() => {
        // The timeout is the reason, whatever the destroyed request reports after it (a reset, 'aborted').
        const timedOut = new RequestTimeoutError(timeoutMs)
        fail(timedOut)
        outgoing.destroy(timedOut)
      }, timeoutMs)
    }
    arm()
    if (payload instanceof MultipartForm) {
      const body = payload.stream()
      body.once('error', (error) => outgoing.destroy(error))
      // An upload on a slow link may take longer than timeoutMs and still be alive: while the body goes out, the
      // deadline counts from its last progress (each chunk the socket took), then the answer gets a whole timeoutMs.
      // One deadline for all of it failed every try of a 40 MB file on a 10 Mbit/s uplink, re-sending it each time.
      body.pipe(outgoing)
      if (timeoutMs !== undefined) {
        body.on('data', arm)
        outgoing.once('finish', arm)
      }
    } else {
      outgoing.end(payload)
    }
  })
}
