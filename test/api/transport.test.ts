import {createServer, type Server} from 'node:http'
import {connect} from 'node:net'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {BotApiClient, createTransport, proxyFromEnv} from '../../src/api/index.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'
import {PRIVATE_CHAT, startApi, TOKEN} from './fixture.js'

/** A loopback HTTP proxy that tunnels CONNECT (undici's ProxyAgent tunnels plain http:// too), recording requests. */
async function startProxy(): Promise<{url: string; seen: string[]; close(): Promise<void>}> {
  const seen: string[] = []
  const tunnels = new Set<{destroy(): void}>()
  const server: Server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`)
    response.writeHead(405).end()
  })
  server.on('connect', (request, socket, head) => {
    seen.push(`CONNECT ${request.url}`)
    const [host, port] = (request.url ?? '').split(':')
    const upstream = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
    tunnels.add(socket).add(upstream)
    upstream.on('error', () => socket.destroy())
    socket.on('error', () => upstream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      server.closeAllConnections()
      for (const tunnel of tunnels) tunnel.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

describe('proxyFromEnv', () => {
  it('reads the lowercase variables first, HTTPS before HTTP', () => {
    expect(proxyFromEnv({})).toBeUndefined()
    expect(proxyFromEnv({HTTP_PROXY: 'http://a:1'})).toBe('http://a:1')
    expect(proxyFromEnv({HTTP_PROXY: 'http://a:1', HTTPS_PROXY: 'http://b:2'})).toBe('http://b:2')
    expect(proxyFromEnv({HTTPS_PROXY: 'http://b:2', https_proxy: 'http://c:3'})).toBe('http://c:3')
  })
})

describe('createTransport', () => {
  it('uses the built-in fetch and FormData without a proxy variable', async () => {
    const transport = await createTransport({})
    expect(transport.proxy).toBeUndefined()
    expect(transport.createFormData()).toBeInstanceOf(FormData)
  })

  it("picks undici's proxy agent, fetch and FormData when HTTPS_PROXY is set", async () => {
    const undici = await import('undici')
    const transport = await createTransport({HTTPS_PROXY: 'http://proxy.internal:3128'})
    expect(transport.proxy).toBe('http://proxy.internal:3128')
    const form = transport.createFormData()
    expect(form).toBeInstanceOf(undici.FormData)
    expect(form).not.toBeInstanceOf(FormData)
  })
})

describe('through a real proxy on loopback', () => {
  let api: FakeBotApi
  let proxy: Awaited<ReturnType<typeof startProxy>>
  let scratch: string
  beforeAll(async () => {
    api = await startApi()
    proxy = await startProxy()
    scratch = await mkdtemp(join(tmpdir(), 'fastpay-tg-proxy-test-'))
  })
  beforeEach(() => {
    api.reset()
    proxy.seen.length = 0
  })
  afterAll(async () => {
    await proxy?.close()
    await api?.close()
    await rm(scratch, {recursive: true, force: true})
  })

  it('sends calls and uploads through HTTP_PROXY', async () => {
    const transport = await createTransport({HTTP_PROXY: proxy.url, NO_PROXY: ''})
    const debugLines: string[] = []
    const client = new BotApiClient({token: TOKEN, apiRoot: api.url, transport, debug: (line) => debugLines.push(line)})
    const path = join(scratch, 'notes.txt')
    await writeFile(path, 'through the proxy')
    await client.getMe()
    await client.sendDocument({chat_id: PRIVATE_CHAT, document: {path}, reply_markup: {inline_keyboard: []}})
    const {port} = new URL(api.url)
    expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${port}`])
    expect(api.requests.map((request) => request.method)).toEqual(['getMe', 'sendDocument'])
    expect(api.requests[1]?.files[0]?.content.toString()).toBe('through the proxy')
    expect(api.requests[1]?.params.reply_markup).toBe('{"inline_keyboard":[]}')
    expect(debugLines[0]).toMatch(/^getMe attempt 1: 200 in \d+ ms \(via proxy\)$/)
  })

  it('goes direct for hosts in NO_PROXY', async () => {
    const transport = await createTransport({HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1'})
    const client = new BotApiClient({token: TOKEN, apiRoot: api.url, transport})
    await client.getMe()
    expect(proxy.seen).toEqual([])
    expect(api.requests).toHaveLength(1)
  })
})
