// Which proxy, if any, a request goes through: the variables curl, undici and most tools read, with their usual
// precedence (lower case first) and NO_PROXY rules.
import {ProxySettingError} from '../user-error.js'

export interface ProxySettings {
  /** The proxy for `url`, or undefined to connect directly (no variable set, or NO_PROXY covers the host). */
  proxyFor(url: URL): URL | undefined
  /**
   * Where `proxyFor`'s answer comes from, for `config show`: the proxy and its variable, the NO_PROXY variable that
   * sends `url` direct past one (no `proxy`), or undefined when no variable applies.
   */
  sourceFor(url: URL): {proxy?: URL; variable: string} | undefined
  /** Any proxy is configured at all (the cost of proxy support is paid only then). */
  readonly configured: boolean
}

type Env = Record<string, string | undefined>

/** The first of `names` set to something, parsed; a bad value is the user's to fix, named by its variable. */
function proxyVariable(env: Env, ...names: string[]): {proxy: URL; variable: string} | undefined {
  for (const name of names) {
    const value = env[name]?.trim()
    if (value) return {proxy: parseProxyUrl(name, value), variable: name}
  }
  return undefined
}

/** Reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and lower case, which wins). https:// targets fall back to HTTP_PROXY. */
export function proxySettingsFromEnv(env: Env = process.env): ProxySettings {
  const parsedHttp = proxyVariable(env, 'http_proxy', 'HTTP_PROXY')
  const parsedHttps = proxyVariable(env, 'https_proxy', 'HTTPS_PROXY') ?? parsedHttp
  const noProxyVariable = env.no_proxy === undefined ? 'NO_PROXY' : 'no_proxy'
  const bypass = noProxyMatcher(env.no_proxy ?? env.NO_PROXY ?? '')
  const sourceFor = (url: URL): {proxy?: URL; variable: string} | undefined => {
    const chosen = url.protocol === 'https:' ? parsedHttps : parsedHttp
    if (chosen === undefined) return undefined
    return bypass(url) ? {variable: noProxyVariable} : chosen
  }
  return {
    configured: parsedHttp !== undefined || parsedHttps !== undefined,
    proxyFor: (url) => sourceFor(url)?.proxy,
    sourceFor,
  }
}

/** `host:port` alone is taken as `http://host:port`, as curl does. */
export function parseProxyUrl(variable: string, value: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new ProxySettingError(`${variable} is not a proxy URL: ${JSON.stringify(displayProxy(value))}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProxySettingError(`${variable}: only http:// and https:// proxies are supported, got ${displayProxy(url)}`)
  }
  return url
}

/**
 * The proxy as it may be shown: scheme, host and port, never its user or password. A value that is no URL loses all
 * up to its last `@`: curl's form without a scheme (`user:pw@host:port`) and a password holding `/` or `@` have
 * no `//…@` to find, and what the parser could not read cannot say where the password ends.
 */
export function displayProxy(proxy: URL | string): string {
  if (typeof proxy === 'string') return proxy.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, '$1')
  return `${proxy.protocol}//${proxy.host}`
}

const defaultPort = (url: URL) => url.port || (url.protocol === 'https:' ? '443' : '80')

/**
 * NO_PROXY: comma- or space-separated entries; `*` bypasses everything; `example.com` and `.example.com` cover the
 * domain and its subdomains (host names only); `host:port` only that port; IP addresses match whole, never by suffix, and CIDR ranges
 * (`10.0.0.0/8`, `fd00::/8`) cover the addresses in them, as curl and Python's requests read them.
 */
export function noProxyMatcher(value: string): (url: URL) => boolean {
  const entries = value
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '')
  if (entries.includes('*')) return () => true
  const ranges = entries.filter((entry) => CIDR.test(entry))
  const inRange = ranges.length === 0 ? () => false : rangeMatcher(ranges)
  const rules = entries.filter((entry) => !CIDR.test(entry)).map(parseNoProxyEntry)
  return (url) => {
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '')
    const port = defaultPort(url)
    // A domain suffix is for names: as curl, an address matches an entry only whole (or in a range), so `.0.0.1`
    // does not take 127.0.0.1 past the proxy.
    const address = isAddress(host)
    const covers = (rule: {host: string}) => host === rule.host || (!address && host.endsWith(`.${rule.host}`))
    return inRange(host) || rules.some((rule) => (rule.port === undefined || rule.port === port) && covers(rule))
  }
}

/** An IP address as the URL parser leaves a hostname: IPv4 in dotted form, IPv6 unbracketed (names have no `:`). */
const isAddress = (host: string) => host.includes(':') || /^[\d.]+$/.test(host)

/** `10.0.0.0/8`, `fd00::/8`: an address (v4 or v6, unbracketed) and a prefix length. */
const CIDR = /^[\d.]+\/\d{1,2}$|^[\da-f:.]*:[\da-f:.]*\/\d{1,3}$/

/** Whether an IP host lies in one of the ranges; a name never does. node:net is taken only when a range is set. */
function rangeMatcher(ranges: string[]): (host: string) => boolean {
  const {BlockList, isIP} = process.getBuiltinModule('node:net')
  const list = new BlockList()
  for (const range of ranges) {
    const [address = '', prefix = ''] = range.split('/')
    const family = isIP(address)
    // Not an address after all: as curl does, such an entry matches nothing.
    if (family === 0 || Number(prefix) > (family === 4 ? 32 : 128)) continue
    list.addSubnet(address, Number(prefix), family === 4 ? 'ipv4' : 'ipv6')
  }
  return (host) => {
    const family = isIP(host)
    return family !== 0 && list.check(host, family === 4 ? 'ipv4' : 'ipv6')
  }
}

function parseNoProxyEntry(entry: string): {host: string; port: string | undefined} {
  let host = entry
  let port: string | undefined
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry)
  if (bracketed) [, host = entry, port] = bracketed
  else if (entry.indexOf(':') === entry.lastIndexOf(':')) [host = entry, port] = entry.split(':')
  // Otherwise a bare IPv6 address, whose colons are not a port.
  return {host: host.replace(/^\*?\./, ''), port: port || undefined}
}
