import * as http from 'node:http'
import type * as https from 'node:https'
import {MultipartForm} from './multipart.js'
import {displayProxy, proxySettingsFromEnv} from './proxy-env.js'
import {createTunnelingAgent, proxyAuthorization, type TunnelRequestOptions} from './proxy-tunnel.js'

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
  return {
    fetch: (url, init) => {
      const target = new URL(url)
      return send(target, settings.proxyFor(target), init)
    },
    createFormData: () => new MultipartForm(),
    proxy: proxy === undefined ? undefined : displayProxy(proxy),
    proxyFor(url) {
      const via = settings.proxyFor(new URL(url))
      return via === undefined ? undefined : displayProxy(via)
    },
  }
}

function send(target: URL, proxy: URL | undefined, init: FetchInit): Promise<FetchAnswer> {
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
  const secure = target.protocol === 'https:'
  const port = target.port || (secure ? '443' : '80')
  let options: TunnelRequestOptions
  let module: typeof http | typeof https = secure ? httpsModule() : http
  if (proxy === undefined) {
    options = {agent: pooled(target.protocol, () => (secure ? new (httpsModule().Agent)(AGENT_OPTIONS) : new http.Agent(AGENT_OPTIONS)))}
  } else if (secure) {
    options = {agent: pooled(`tunnel ${proxy.href}`, () => createTunnelingAgent(proxy, AGENT_OPTIONS)), tunnelSignal: init.signal}
  } else {
    // Absolute form (`POST http://host/path`) to the proxy, as curl does for http:// targets.
    const secureProxy = proxy.protocol === 'https:'
    module = secureProxy ? httpsModule() : http
    return request(module, {
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || (secureProxy ? 443 : 80),
      path: target.href,
      method: init.method,
      headers: {...headers, host: target.host, ...proxyAuthorization(proxy)},
      agent: pooled(`forward ${proxy.href}`, () => (secureProxy ? new (httpsModule().Agent)(AGENT_OPTIONS) : new http.Agent(AGENT_OPTIONS))),
      signal: init.signal,
    }, payload)
  }
  return request(module, {
    ...options,
    host: target.hostname.replace(/^\[|\]$/g, ''),
    port,
    path: `${target.pathname}${target.search}`,
    method: init.method,
    headers,
    signal: init.signal,
  }, payload)
}

/** One request and its whole answer. Failures are wrapped as fetch wraps them (`fetch failed`, cause: the reason). */
function request(module: typeof http | typeof https, options: TunnelRequestOptions, payload: string | MultipartForm | undefined): Promise<FetchAnswer> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => reject(new TypeError('fetch failed', {cause: error}))
    const outgoing = module.request(options, (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.once('error', fail)
      incoming.once('aborted', () => fail(new Error('the connection closed before the answer was complete')))
      incoming.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({status: incoming.statusCode ?? 0, statusText: incoming.statusMessage ?? '', text: async () => text})
      })
    })
    outgoing.once('error', fail)
    if (payload instanceof MultipartForm) {
      const body = payload.stream()
      body.once('error', (error) => outgoing.destroy(error))
      body.pipe(outgoing)
    } else {
      outgoing.end(payload)
    }
  })
}
