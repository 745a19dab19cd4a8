import {createHash, randomBytes} from 'node:crypto'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {BotApiClient, TelegramNetworkError} from '../../src/api/index.js'
import {createTransport, proxyFromEnv} from '../../src/api/transport.js'
import {MultipartForm} from '../../src/api/multipart.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'
import {type ForwardProxy, startForwardProxy} from '../helpers/forward-proxy.js'
import {PRIVATE_CHAT, rejectionOf, startApi, TOKEN} from './fixture.js'

describe('proxyFromEnv', () => {
  it('reads the lowercase variables first, HTTPS before HTTP', () => {
    expect(proxyFromEnv({})).toBeUndefined()
    expect(proxyFromEnv({HTTP_PROXY: 'http://a:1'})).toBe('http://a:1')
    expect(proxyFromEnv({HTTP_PROXY: 'http://a:1', HTTPS_PROXY: 'http://b:2'})).toBe('http://b:2')
    expect(proxyFromEnv({HTTPS_PROXY: 'http://b:2', https_proxy: 'http://c:3'})).toBe('http://c:3')
  })
})

describe('createTransport', () => {
  it('forms stream from disk: the length is known before a byte is read', async () => {
    const transport = await createTransport({})
    expect(transport.proxy).toBeUndefined()
    expect(transport.createFormData()).toBeInstanceOf(MultipartForm)
  })

  it('shows the proxy without its credentials', async () => {
    const transport = await createTransport({HTTPS_PROXY: 'http://ops:s3cret@proxy.internal:3128'})
    expect(transport.proxy).toBe('http://proxy.internal:3128')
    expect(transport.proxyFor?.('https://api.telegram.org/botX/getMe')).toBe('http://proxy.internal:3128')
    expect(transport.proxyFor?.('http://127.0.0.1:8081/botX/getMe')).toBeUndefined()
  })
})

describe('MultipartForm', () => {
  it('declares exactly the length it streams, names escaped, files read from disk', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'fastpay-tg-form-test-'))
    try {
      const path = join(scratch, 'a.bin')
      await writeFile(path, randomBytes(200_000))
      const form = new MultipartForm()
      form.append('chat_id', '42')
      form.append('caption', 'día "quoted"\r\nline')
      form.appendFile('document', {path, size: 200_000, type: 'application/octet-stream'}, 'we"ird\nname.bin')
      form.append('thumbnail', new Blob(['tiny']), 'thumb.jpg')
      const chunks: Buffer[] = []
      for await (const chunk of form.stream()) chunks.push(chunk as Buffer)
      const body = Buffer.concat(chunks)
      expect(body.length).toBe(form.length)
      expect(body.toString('latin1')).toContain('filename="we%22ird%0Aname.bin"')
      expect(body.toString('latin1').endsWith(`--${form.boundary}--\r\n`)).toBe(true)
    } finally {
      await rm(scratch, {recursive: true, force: true})
    }
  })
})

describe('through a real proxy on loopback, http:// Bot API (absolute form)', () => {
  let api: FakeBotApi
  let proxy: ForwardProxy
  let scratch: string
  beforeAll(async () => {
    api = await startApi()
    proxy = await startForwardProxy()
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

  it('sends calls and a 1 MB upload through HTTP_PROXY, one absolute-form request each', async () => {
    const transport = await createTransport({HTTP_PROXY: proxy.url, NO_PROXY: ''})
    const debugLines: string[] = []
    const client = new BotApiClient({token: TOKEN, apiRoot: api.url, transport, debug: (line) => debugLines.push(line)})
    const path = join(scratch, 'notes.bin')
    const content = randomBytes(1024 * 1024)
    await writeFile(path, content)
    await client.getMe()
    await client.sendDocument({chat_id: PRIVATE_CHAT, document: {path}, reply_markup: {inline_keyboard: []}})
    expect(proxy.seen.map((request) => request.line)).toEqual([`POST ${api.url}/bot${TOKEN}/getMe`, `POST ${api.url}/bot${TOKEN}/sendDocument`])
    expect(api.requests.map((request) => request.method)).toEqual(['getMe', 'sendDocument'])
    const [file] = api.requests[1]?.files ?? []
    expect([file?.name, file?.size, createHash('sha256').update(file?.content ?? '').digest('hex')]).toEqual([
      'notes.bin',
      content.length,
      createHash('sha256').update(content).digest('hex'),
    ])
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

  it('a proxy asking for credentials (407) is named, not retried, and never reaches the Bot API', async () => {
    const guarded = await startForwardProxy({credentials: 'ops:right-password'})
    try {
      const transport = await createTransport({http_proxy: `http://ops:wrong-password@127.0.0.1:${guarded.port}`})
      const sleeps: number[] = []
      const client = new BotApiClient({token: TOKEN, apiRoot: api.url, transport, retry: {sleep: async (ms) => void sleeps.push(ms)}})
      const error = await rejectionOf(client.getMe())
      expect(error).toBeInstanceOf(TelegramNetworkError)
      expect(error.message).toBe(
        `Call to 'getMe' failed: proxy http://127.0.0.1:${guarded.port} refused the request: 407 Proxy Authentication Required: check the proxy's user and password`,
      )
      expect(sleeps).toEqual([])
      expect(guarded.seen).toHaveLength(1)
      expect(api.requests).toEqual([])
    } finally {
      await guarded.close()
    }
  })
})
