// The built CLI behind a company egress proxy: HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and lower case) as curl reads
// them, through a real forward proxy on loopback (test/helpers/forward-proxy.ts). The Bot API is the fake one, also
// behind HTTPS (a TLS front with a loopback certificate the child trusts through NODE_EXTRA_CA_CERTS).
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {type ForwardProxy, startForwardProxy} from '../helpers/forward-proxy.js'
import {LOOPBACK_CA, startTlsFront, type TlsFront} from '../helpers/tls-front.js'
import {ALERTS_BOT, callsOf, ON_CALL, useCliWorld} from './fixture.js'

const world = useCliWorld()
const toOnCall = ['--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id)]
const PROXY_PASSWORD = 'egress-Pa55-word'

let tls: TlsFront
let proxy: ForwardProxy
let proxies: ForwardProxy[]
beforeEach(async () => {
  tls = await startTlsFront(world.api.url)
  proxy = await startForwardProxy()
  proxies = [proxy]
})
afterEach(async () => {
  await Promise.all(proxies.map((started) => started.close()))
  await tls.close()
})

/** Runs the CLI against the HTTPS front of the fake API, with `env` added. */
function runHttps(args: string[], env: Record<string, string>, input?: string) {
  return world.run(args, {env: {TELEGRAM_API_BASE_URL: tls.url, NODE_EXTRA_CA_CERTS: LOOPBACK_CA, ...env}, input})
}

function delivered(): Array<string | undefined> {
  return world.api.messages(ON_CALL.id).map((message) => message.text ?? message.caption)
}

describe('https:// Bot API through the proxy (CONNECT)', () => {
  it.each(['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'])('%s: the message goes through one tunnel', async (variable) => {
    const result = await runHttps(['send', ...toOnCall, 'deploy 4.2 started'], {[variable]: proxy.url})
    expect(result).toEqual({stdout: 'sent to 4242: message 1', stderr: '', exitCode: 0})
    expect(proxy.seen.map((request) => request.line)).toEqual([`CONNECT 127.0.0.1:${tls.port}`])
    expect(delivered()).toEqual(['deploy 4.2 started'])
  })

  it('a message sent in three parts goes through one tunnel: the connection is kept alive between calls', async () => {
    const long = 'settlement batch late; '.repeat(400)
    const result = await runHttps(['send', ...toOnCall, '--file', '-'], {HTTPS_PROXY: proxy.url}, long)
    expect(result).toEqual({stdout: 'sent to 4242: message 1, 2, 3', stderr: '', exitCode: 0})
    expect(callsOf(world.api, 'sendMessage').map((request) => request.status)).toEqual([200, 200, 200])
    expect(proxy.seen.map((request) => request.line)).toEqual([`CONNECT 127.0.0.1:${tls.port}`])
  })

  it('an upload and its caption go through the tunnel intact', async () => {
    const path = join(world.cli.env.HOME!, 'report.csv')
    const content = `batch,amount\n${'settled,100\n'.repeat(20_000)}`
    writeFileSync(path, content)
    const result = await runHttps(['send', ...toOnCall, '--document', path, 'nightly report'], {HTTPS_PROXY: proxy.url})
    expect(result).toEqual({stdout: 'sent to 4242: message 1', stderr: '', exitCode: 0})
    const [upload] = callsOf(world.api, 'sendDocument')
    expect(upload?.files.map((file) => [file.field, file.name, file.content.toString()])).toEqual([['document', 'report.csv', content]])
    expect(proxy.seen.map((request) => request.line)).toEqual([`CONNECT 127.0.0.1:${tls.port}`])
  })

  it('credentials in the proxy URL are sent as Proxy-Authorization and never shown', async () => {
    const guarded = await startForwardProxy({credentials: `ops:${PROXY_PASSWORD}`})
    proxies.push(guarded)
    const withCredentials = `http://ops:${PROXY_PASSWORD}@127.0.0.1:${guarded.port}`
    const result = await runHttps(['send', ...toOnCall, '--debug', 'through the guarded proxy'], {HTTPS_PROXY: withCredentials})
    expect(result.exitCode).toBe(0)
    expect(guarded.seen).toEqual([{line: `CONNECT 127.0.0.1:${tls.port}`, proxyAuthorization: `Basic ${Buffer.from(`ops:${PROXY_PASSWORD}`).toString('base64')}`}])
    expect(result.stderr).toMatch(/^debug: sendMessage attempt 1: 200 in \d+ ms \(via proxy\)$/)
    expect(result.stderr + result.stdout).not.toContain(PROXY_PASSWORD)
    expect(delivered()).toEqual(['through the guarded proxy'])
  })

  // Generated passwords hold `%`. curl decodes `%XX` and keeps a `%` without two hex digits after it as it is; the
  // URL parser keeps it too. `%21` is `!`, as curl sends it.
  it('a password with a % that starts no escape is sent as curl sends it', async () => {
    const guarded = await startForwardProxy({credentials: `ops:50%off!${PROXY_PASSWORD}`})
    proxies.push(guarded)
    const result = await runHttps(['send', ...toOnCall, 'percent'], {HTTPS_PROXY: `http://ops:50%off%21${PROXY_PASSWORD}@127.0.0.1:${guarded.port}`})
    expect(result).toEqual({stdout: 'sent to 4242: message 1', stderr: '', exitCode: 0})
    expect(guarded.seen.map((request) => request.line)).toEqual([`CONNECT 127.0.0.1:${tls.port}`])
    expect(delivered()).toEqual(['percent'])
  })
})

describe('http:// Bot API through HTTP_PROXY (absolute form, as curl)', () => {
  it.each(['HTTP_PROXY', 'http_proxy'])('%s: one POST http://… to the proxy, delivered', async (variable) => {
    const result = await world.run(['send', ...toOnCall, 'plain http'], {env: {[variable]: proxy.url}})
    expect(result).toEqual({stdout: 'sent to 4242: message 1', stderr: '', exitCode: 0})
    expect(proxy.seen.map((request) => request.line)).toEqual([`POST ${world.api.url}/bot${ALERTS_BOT.token}/sendMessage`])
    expect(delivered()).toEqual(['plain http'])
  })

  // Only a proxy answers 407: said as the CONNECT form says it, not as a server's answer "without Telegram's JSON".
  it('a 407 from the proxy: exit 3, one line saying the proxy refused and what to check, never its credentials', async () => {
    const guarded = await startForwardProxy({credentials: `ops:${PROXY_PASSWORD}`})
    proxies.push(guarded)
    const result = await world.run(['send', ...toOnCall, 'x'], {env: {HTTP_PROXY: `http://ops:wrong-${PROXY_PASSWORD}@127.0.0.1:${guarded.port}`}})
    expect(result).toEqual({
      stdout: '',
      stderr: `Error: 4242: Call to 'sendMessage' failed: proxy http://127.0.0.1:${guarded.port} refused the request: 407 Proxy Authentication Required: check the proxy's user and password`,
      exitCode: 3,
    })
    expect(guarded.seen).toHaveLength(1)
    expect(world.api.requests).toEqual([])
  })

  it('HTTPS_PROXY alone does not apply to an http:// root', async () => {
    const result = await world.run(['send', ...toOnCall, 'direct'], {env: {HTTPS_PROXY: proxy.url}})
    expect(result.exitCode).toBe(0)
    expect(proxy.seen).toEqual([])
  })
})

describe('NO_PROXY', () => {
  it.each([
    ['NO_PROXY', '127.0.0.1'],
    ['no_proxy', 'localhost, 127.0.0.1'],
    ['NO_PROXY', '*'],
    // CIDR ranges, as curl (7.86 on) and Python's requests read them: the usual corporate value.
    ['NO_PROXY', 'localhost,10.0.0.0/8,127.0.0.0/8,.corp.example'],
  ])('%s=%s: the Bot API host is reached directly, the proxy sees nothing', async (variable, value) => {
    const result = await runHttps(['send', ...toOnCall, 'direct'], {HTTPS_PROXY: proxy.url, [variable]: value})
    expect(result).toEqual({stdout: 'sent to 4242: message 1', stderr: '', exitCode: 0})
    expect(proxy.seen).toEqual([])
    expect(delivered()).toEqual(['direct'])
  })

  it('an entry for another host or port does not bypass the proxy', async () => {
    const result = await runHttps(['send', ...toOnCall, 'proxied'], {HTTPS_PROXY: proxy.url, NO_PROXY: `example.com,127.0.0.1:1`})
    expect(result.exitCode).toBe(0)
    expect(proxy.seen.map((request) => request.line)).toEqual([`CONNECT 127.0.0.1:${tls.port}`])
  })
})

describe('NO_PROXY and IP addresses, as curl reads them', () => {
  // A domain suffix is for host names: `.0.0.1` took 127.0.0.1 past the proxy, where curl sends it through.
  it.each(['.0.0.1', '0.0.1', '*.0.0.1', '.1'])('NO_PROXY=%s does not cover 127.0.0.1: the request goes through the proxy', async (value) => {
    const result = await runHttps(['send', ...toOnCall, 'proxied'], {HTTPS_PROXY: proxy.url, NO_PROXY: value})
    expect(result).toEqual({stdout: 'sent to 4242: message 1', stderr: '', exitCode: 0})
    expect(proxy.seen.map((request) => request.line)).toEqual([`CONNECT 127.0.0.1:${tls.port}`])
  })
})

describe('a proxy that refuses', () => {
  it('403 on CONNECT: exit 3, one line naming the proxy, never its credentials or the token', async () => {
    const refusing = await startForwardProxy({refuseWith: 403})
    proxies.push(refusing)
    const display = `http://127.0.0.1:${refusing.port}`
    const result = await runHttps(['send', ...toOnCall, 'blocked'], {HTTPS_PROXY: `http://ops:${PROXY_PASSWORD}@127.0.0.1:${refusing.port}`})
    expect(result.exitCode).toBe(3)
    expect(result.stdout).toBe('')
    expect(result.stderr.split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(/^Error: 4242: Call to 'sendMessage' failed: .*403/)
    expect(result.stderr).toContain(`proxy ${display}`)
    for (const secret of [PROXY_PASSWORD, 'ops:', ALERTS_BOT.token]) expect(result.stderr).not.toContain(secret)
    expect(world.api.requests).toEqual([])
    // A refusal will not change by asking again.
    expect(refusing.seen).toHaveLength(1)
  })

  it('nothing listening at the proxy address: exit 3 naming the proxy', async () => {
    const gone = await startForwardProxy()
    await gone.close()
    const result = await runHttps(['send', ...toOnCall, 'lost?'], {https_proxy: `http://ops:${PROXY_PASSWORD}@127.0.0.1:${gone.port}`})
    expect(result.exitCode).toBe(3)
    expect(result.stderr.split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(/^Error: 4242: Call to 'sendMessage' failed: .*ECONNREFUSED/)
    expect(result.stderr).toContain(`proxy http://127.0.0.1:${gone.port}`)
    expect(result.stderr).not.toContain(PROXY_PASSWORD)
    expect(world.api.requests).toEqual([])
  })

  it('a proxy variable that is not a URL: one line naming the variable, exit 2', async () => {
    const result = await runHttps(['send', ...toOnCall, 'x'], {HTTPS_PROXY: 'http://ops:secret@[bad'})
    expect(result).toEqual({stdout: '', stderr: 'Error: HTTPS_PROXY is not a proxy URL: "http://[bad"', exitCode: 2})
  })

  // curl's short form without a scheme, and a password holding a `/` (which ends the URL's authority): neither parses,
  // and the value is shown to say why; the password must not be in it.
  it.each([
    [`ops:${PROXY_PASSWORD}@proxy.corp:31 28`, 'proxy.corp:31 28'],
    [`http://ops:${PROXY_PASSWORD}/x@proxy.corp:3128`, 'http://proxy.corp:3128'],
  ])('HTTPS_PROXY=%s, not a URL: the line shows %s, never the password', async (value, shown) => {
    const result = await runHttps(['send', ...toOnCall, 'x'], {HTTPS_PROXY: value})
    expect(result).toEqual({stdout: '', stderr: `Error: HTTPS_PROXY is not a proxy URL: ${JSON.stringify(shown)}`, exitCode: 2})
    expect(world.api.requests).toEqual([])
  })
})

describe('config show', () => {
  // It prints what a command would use: the proxy is one of those values, and "is it using my proxy?" the question.
  it('names the proxy the API root goes through and its variable, never the password; NO_PROXY when it goes direct', async () => {
    const withCredentials = {HTTPS_PROXY: `http://ops:${PROXY_PASSWORD}@proxy.corp:3128`}
    const shown = await runHttps(['config', 'show', ...toOnCall], withCredentials)
    expect(shown.exitCode).toBe(0)
    expect(shown.stdout.split('\n').filter((line) => line.startsWith('proxy'))).toEqual([expect.stringMatching(/^proxy +http:\/\/proxy\.corp:3128 +← env HTTPS_PROXY$/)])
    expect(shown.stdout + shown.stderr).not.toContain(PROXY_PASSWORD)
    const json = JSON.parse((await runHttps(['config', 'show', ...toOnCall, '--json'], withCredentials)).stdout)
    expect(json.proxy).toEqual({value: 'http://proxy.corp:3128', source: 'env HTTPS_PROXY'})
    const direct = JSON.parse((await runHttps(['config', 'show', ...toOnCall, '--json'], {...withCredentials, no_proxy: '127.0.0.0/8'})).stdout)
    expect(direct.proxy).toEqual({value: 'none (direct)', source: 'env no_proxy'})
    const none = JSON.parse((await runHttps(['config', 'show', ...toOnCall, '--json'], {})).stdout)
    expect(none).not.toHaveProperty('proxy')
    expect(proxy.seen).toEqual([])
  })
})
