import {describe, expect, it} from 'vitest'
import {displayProxy, noProxyMatcher, proxySettingsFromEnv} from '../../src/api/proxy-env.js'

const via = (env: Record<string, string>, url: string) => {
  const proxy = proxySettingsFromEnv(env).proxyFor(new URL(url))
  return proxy === undefined ? undefined : proxy.href
}

describe('proxySettingsFromEnv', () => {
  it('lower case wins; https:// targets use HTTPS_PROXY, else HTTP_PROXY; http:// targets only HTTP_PROXY', () => {
    expect(via({}, 'https://api.telegram.org/')).toBeUndefined()
    expect(via({HTTPS_PROXY: 'http://a:1', https_proxy: 'http://b:2'}, 'https://api.telegram.org/')).toBe('http://b:2/')
    expect(via({HTTP_PROXY: 'http://a:1'}, 'https://api.telegram.org/')).toBe('http://a:1/')
    expect(via({HTTPS_PROXY: 'http://a:1'}, 'http://127.0.0.1:8080/')).toBeUndefined()
    expect(via({HTTP_PROXY: 'http://a:1', HTTPS_PROXY: 'http://b:2'}, 'http://127.0.0.1:8080/')).toBe('http://a:1/')
    expect(via({HTTPS_PROXY: 'proxy.corp:3128'}, 'https://api.telegram.org/')).toBe('http://proxy.corp:3128/')
    expect(proxySettingsFromEnv({}).configured).toBe(false)
    expect(proxySettingsFromEnv({http_proxy: 'http://a:1'}).configured).toBe(true)
  })

  it('a bad value is a user error naming the variable, without credentials', () => {
    expect(() => proxySettingsFromEnv({https_proxy: 'http://u:pw@[x'})).toThrow('https_proxy is not a proxy URL: "http://[x"')
    expect(() => proxySettingsFromEnv({HTTPS_PROXY: 'socks5://u:pw@h:1080'})).toThrow(
      'HTTPS_PROXY: only http:// and https:// proxies are supported, got socks5://h:1080',
    )
  })

  it('shows a proxy without its user or password', () => {
    expect(displayProxy(new URL('http://ops:s3cret@proxy.corp:3128'))).toBe('http://proxy.corp:3128')
    expect(displayProxy('http://ops:s3cret@proxy.corp:3128/')).toBe('http://proxy.corp:3128/')
    expect(displayProxy('ops:s3cret@proxy.corp:x')).toBe('proxy.corp:x')
    expect(displayProxy('http://ops:s3/cr@et@proxy.corp:x')).toBe('http://proxy.corp:x')
  })
})

describe('noProxyMatcher', () => {
  const cases: Array<[string, string, boolean]> = [
    ['', 'https://api.telegram.org/', false],
    ['*', 'https://api.telegram.org/', true],
    ['api.telegram.org', 'https://api.telegram.org/', true],
    ['telegram.org', 'https://api.telegram.org/', true],
    ['.telegram.org', 'https://api.telegram.org/', true],
    ['*.telegram.org', 'https://api.telegram.org/', true],
    ['gram.org', 'https://api.telegram.org/', false],
    ['API.Telegram.ORG', 'https://api.telegram.org/', true],
    ['api.telegram.org:443', 'https://api.telegram.org/', true],
    ['api.telegram.org:8443', 'https://api.telegram.org/', false],
    ['localhost, 127.0.0.1', 'http://127.0.0.1:8081/', true],
    ['127.0.0.1:8081', 'http://127.0.0.1:8081/', true],
    ['127.0.0.1:80', 'http://127.0.0.1:8081/', false],
    ['10.0.0.1 example.com', 'https://example.com/', true],
    ['::1', 'http://[::1]:8081/', true],
    ['[::1]:8081', 'http://[::1]:8081/', true],
    ['[::1]:9', 'http://[::1]:8081/', false],
    ['127.0.0.0/8', 'http://127.0.0.1:8081/', true],
    ['10.0.0.0/8', 'http://127.0.0.1:8081/', false],
    ['10.1.0.0/16', 'https://10.1.200.3/', true],
    ['10.1.0.0/16', 'https://10.2.0.3/', false],
    ['10.0.0.0/8', 'https://ten.example.com/', false],
    ['::1/128', 'http://[::1]:8081/', true],
    ['fd00::/8', 'http://[fd12::5]/', true],
    ['fd00::/8', 'http://[fe80::5]/', false],
  ]
  it.each(cases)('NO_PROXY=%j, %s: bypass %s', (value, url, bypassed) => {
    expect(noProxyMatcher(value)(new URL(url))).toBe(bypassed)
  })
})
