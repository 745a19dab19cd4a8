// The bundled Action on a self-hosted runner behind an egress proxy: the runner passes HTTPS_PROXY / NO_PROXY
// through to the step, and the notice must go out through a real forward proxy on loopback (CONNECT to the HTTPS
// front of the fake Bot API), or straight to it when NO_PROXY covers the host.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {type ForwardProxy, startForwardProxy} from '../helpers/forward-proxy.js'
import {LOOPBACK_CA, startTlsFront, type TlsFront} from '../helpers/tls-front.js'
import {DEPLOY_BOT, occurrences, ON_CALL, useActionJob} from './fixture.js'

const job = useActionJob('push')
const MASK = `::add-mask::${DEPLOY_BOT.token}`
const valid = {status: 'success', token: DEPLOY_BOT.token, 'chat-ids': String(ON_CALL.id)}
const PROXY_PASSWORD = 'runner-egress-Pa55'

let tls: TlsFront
let proxies: ForwardProxy[] = []
beforeEach(async () => {
  tls = await startTlsFront(job.api.url)
})
afterEach(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()))
  proxies = []
  await tls.close()
})

async function proxy(options: Parameters<typeof startForwardProxy>[0] = {}) {
  const started = await startForwardProxy(options)
  proxies.push(started)
  return started
}

function step(env: Record<string, string>) {
  return job.step(valid, {TELEGRAM_API_BASE_URL: tls.url, NODE_EXTRA_CA_CERTS: LOOPBACK_CA, ...env})
}

describe('the Action behind a proxy', () => {
  it('HTTPS_PROXY: the notice goes through one CONNECT tunnel, authenticated', async () => {
    const egress = await proxy({credentials: `runner:${PROXY_PASSWORD}`})
    const result = await step({HTTPS_PROXY: `http://runner:${PROXY_PASSWORD}@127.0.0.1:${egress.port}`})
    expect(result.exitCode).toBe(0)
    expect(result.stdout.split('\n')).toEqual([MASK, `sent message 1 in chat ${ON_CALL.id}`])
    expect(egress.seen.map((request) => request.line)).toEqual([`CONNECT 127.0.0.1:${tls.port}`])
    expect(job.api.messages(ON_CALL.id)).toHaveLength(1)
    expect(result.stdout + result.stderr + result.summary).not.toContain(PROXY_PASSWORD)
  })

  it('no_proxy covering the host: straight to the Bot API, the proxy sees nothing', async () => {
    const egress = await proxy()
    const result = await step({https_proxy: egress.url, no_proxy: '127.0.0.1'})
    expect(result.exitCode).toBe(0)
    expect(egress.seen).toEqual([])
    expect(job.api.messages(ON_CALL.id)).toHaveLength(1)
  })

  it('a proxy refusing the tunnel: a warning naming the proxy, never its credentials nor the token', async () => {
    const refusing = await proxy({refuseWith: 403})
    const result = await step({HTTPS_PROXY: `http://runner:${PROXY_PASSWORD}@127.0.0.1:${refusing.port}`})
    expect(result.exitCode).toBe(0)
    const lines = result.stdout.split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatch(new RegExp(`^::warning::deploy notice not delivered to ${ON_CALL.id} \\(Call to 'sendMessage' failed: .*403`))
    expect(lines[1]).toContain(`proxy http://127.0.0.1:${refusing.port}`)
    expect(result.stdout + result.stderr + result.summary).not.toContain(PROXY_PASSWORD)
    expect(occurrences(result.stdout + result.stderr + result.summary, DEPLOY_BOT.token)).toBe(1)
    expect(job.api.requests).toEqual([])
  })

  // The runner's environment, not the step's inputs: a self-hosted runner's SOCKS proxy, which curl reads, must not
  // fail the deploy it announces (before the proxy check moved before any call, the notice failed alone, as a warning).
  it('a proxy variable the client cannot use: a warning that the notice was not sent, and the deploy goes on', async () => {
    const result = await step({HTTPS_PROXY: `socks5h://runner:${PROXY_PASSWORD}@proxy.corp:1080`})
    expect(result.exitCode).toBe(0)
    expect(result.stdout.split('\n')).toEqual([MASK, '::warning::deploy notice not sent: HTTPS_PROXY: only http:// and https:// proxies are supported, got socks5h://proxy.corp:1080'])
    expect(result.stdout + result.stderr + result.summary).not.toContain(PROXY_PASSWORD)
    expect(job.api.requests).toEqual([])
  })
})
