import {displayProxy, proxySettingsFromEnv} from './proxy-env.js'

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
}

export interface Transport {
  fetch(url: string, init: FetchInit): Promise<FetchAnswer>
  /** A FormData this fetch can send: undici's own fetch does not recognise Node's global FormData. */
  createFormData(): FormDataLike
  /** The proxy URL in use, for debug lines; undefined when connecting directly. */
  proxy: string | undefined
  /** The proxy a request to `url` goes through, as it may be shown (no credentials); undefined when direct. */
  proxyFor?(url: string): string | undefined
}

/** Proxy variables in the order undici reads them (lowercase first). */
const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] as const

export function proxyFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const name of PROXY_VARIABLES) {
    const value = env[name]
    if (value) return value
  }
  return undefined
}

/**
 * Node 20's global fetch (undici inside Node) ignores proxy variables. Importing the `undici` package, whose
 * EnvHttpProxyAgent honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY, costs about 60 ms of start-up, so it is loaded
 * only when a proxy variable is set; otherwise the built-in fetch is used.
 */
export async function createTransport(env: NodeJS.ProcessEnv = process.env): Promise<Transport> {
  const proxy = proxyFromEnv(env)
  if (proxy === undefined) {
    return {
      fetch: (url, init) => globalThis.fetch(url, init as RequestInit),
      createFormData: () => new FormData(),
      proxy: undefined,
      proxyFor: () => undefined,
    }
  }
  const settings = proxySettingsFromEnv(env)
  const undici = await loadUndici()
  const httpProxy = env.http_proxy || env.HTTP_PROXY || undefined
  const dispatcher = new undici.EnvHttpProxyAgent({
    httpProxy,
    httpsProxy: env.https_proxy || env.HTTPS_PROXY || httpProxy,
    noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
  })
  return {
    fetch: (url, init) => undici.fetch(url, {...init, dispatcher} as Parameters<typeof undici.fetch>[1]),
    createFormData: () => new undici.FormData(),
    proxy: displayProxy(proxy),
    proxyFor(url) {
      const via = settings.proxyFor(new URL(url))
      return via === undefined ? undefined : displayProxy(via)
    },
  }
}

/** Bundled as CommonJS, undici's namespace arrives as `{default: …}` from a dynamic import; from sources it does not. */
async function loadUndici(): Promise<typeof import('undici')> {
  const imported = (await import('undici')) as typeof import('undici') & {default?: typeof import('undici')}
  return imported.EnvHttpProxyAgent === undefined && imported.default !== undefined ? imported.default : imported
}
