import {afterAll, afterEach, beforeEach, describe, expect, it, vi} from 'vitest'
import {backoffDelayMs, BotApiClient, TelegramApiError, TelegramNetworkError} from '../../src/api/index.js'
import type {FakeBotApi, FaultKind} from '../fake-bot-api/server.js'
import {closedPort, PRIVATE_CHAT, rejectionOf, startApi, testClient, TOKEN} from './fixture.js'

let api: FakeBotApi
beforeEach(async () => {
  api ??= await startApi()
  api.reset()
})
afterAll(() => api?.close())

const sendHello = (client: BotApiClient) => client.sendMessage({chat_id: PRIVATE_CHAT, text: 'hello'})

describe('retry policy against the fake server', () => {
  it('429: waits retry_after seconds, then the message arrives once', async () => {
    const before = api.messages(PRIVATE_CHAT).length
    api.failNext({method: 'sendMessage', kind: {status: 429, retryAfter: 3}})
    const {client, sleeps, debugLines} = testClient(api)
    const message = await sendHello(client)
    expect(sleeps).toEqual([3000])
    expect(api.requests.map((request) => request.status)).toEqual([429, 200])
    expect(api.messages(PRIVATE_CHAT).slice(before).map((sent) => sent.message_id)).toEqual([message.message_id])
    expect(debugLines).toContain(
      "sendMessage: retrying in 3000 ms after: Call to 'sendMessage' failed (429: Too Many Requests: retry after 3)",
    )
  })

  it('429 asking to wait longer than maxRetryAfterSeconds is thrown at once', async () => {
    api.failNext({method: 'sendMessage', kind: {status: 429, retryAfter: 61}})
    const {client, sleeps} = testClient(api)
    const error = await rejectionOf(sendHello(client))
    expect(error).toBeInstanceOf(TelegramApiError)
    expect(error.message).toBe("Call to 'sendMessage' failed (429: Too Many Requests: retry after 61)")
    expect(error).toMatchObject({errorCode: 429, parameters: {retry_after: 61}})
    expect(sleeps).toEqual([])
    expect(api.requests).toHaveLength(1)
  })

  it('429 within a raised bound is waited out', async () => {
    api.failNext({kind: {status: 429, retryAfter: 90}})
    const {client, sleeps} = testClient(api, {retry: {maxRetryAfterSeconds: 120}})
    await sendHello(client)
    expect(sleeps).toEqual([90_000])
  })

  it('429 again and again: gives up after maxRateLimitRetries waits', async () => {
    api.failNext({times: 10, kind: {status: 429, retryAfter: 1}})
    const {client, sleeps} = testClient(api, {retry: {maxRateLimitRetries: 2}})
    const error = await rejectionOf(sendHello(client))
    expect(error).toMatchObject({errorCode: 429})
    expect(sleeps).toEqual([1000, 1000])
    expect(api.requests).toHaveLength(3)
  })

  it('500 twice, then success: backs off with growing jittered delays', async () => {
    api.failNext({method: 'sendMessage', times: 2, kind: {status: 500}})
    const {client, sleeps} = testClient(api)
    const before = api.messages(PRIVATE_CHAT).length
    await sendHello(client)
    expect(sleeps).toEqual([375, 750])
    expect(api.requests.map((request) => request.status)).toEqual([500, 500, 200])
    expect(api.messages(PRIVATE_CHAT).length - before).toBe(1)
  })

  it("502 with nginx's HTML page: retried, then a TelegramNetworkError of kind server", async () => {
    api.failNext({times: 4, kind: {status: 502}})
    const {client, sleeps} = testClient(api)
    const error = await rejectionOf(sendHello(client))
    expect(error).toBeInstanceOf(TelegramNetworkError)
    expect(error.message).toBe("Call to 'sendMessage' failed: server answered 502 Bad Gateway")
    expect(error).toMatchObject({kind: 'server', status: 502, method: 'sendMessage'})
    expect(sleeps).toEqual([375, 750, 1500])
    expect(api.requests).toHaveLength(4)
  })

  it('503 once, then success', async () => {
    api.failNext({kind: {status: 503}})
    const {client} = testClient(api)
    await expect(client.getMe()).resolves.toMatchObject({username: 'fastpay_test_bot'})
    expect(api.requests.map((request) => request.status)).toEqual([503, 200])
  })

  it('timeout: a hanging answer is given up after timeoutMs and retried', async () => {
    api.failNext({kind: {hang: true}})
    // The first attempt's deadline passes once the server holds it; the second has none: a slow machine cannot
    // make the answer that should succeed time out too.
    const deadlines: Array<{timeoutMs: number; controller: AbortController}> = []
    const timeoutSignal = (timeoutMs: number) => {
      const controller = new AbortController()
      deadlines.push({timeoutMs, controller})
      return controller.signal
    }
    const {client, sleeps, debugLines} = testClient(api, {timeoutMs: 250, timeoutSignal})
    const call = client.getMe()
    await vi.waitFor(() => expect(api.requests).toHaveLength(1), {timeout: 20_000, interval: 10})
    deadlines[0]!.controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))
    await expect(call).resolves.toMatchObject({id: 700000001})
    expect(deadlines.map((deadline) => deadline.timeoutMs)).toEqual([250, 250])
    expect(sleeps).toEqual([375])
    expect(api.requests.map((request) => request.status)).toEqual([undefined, 200])
    expect(debugLines[0]).toMatch(/^getMe attempt 1: timeout error after \d+ ms$/)
    expect(debugLines[2]).toMatch(/^getMe attempt 2: 200 in \d+ ms$/)
  })

  it('timeout on every attempt: TelegramNetworkError of kind timeout', async () => {
    api.failNext({times: 3, kind: {hang: true}})
    const {client, sleeps} = testClient(api, {timeoutMs: 200, retry: {maxRetries: 2}})
    const error = await rejectionOf(client.getMe())
    expect(error).toBeInstanceOf(TelegramNetworkError)
    expect(error.message).toBe("Call to 'getMe' failed: request timed out after 200 ms")
    expect(error).toMatchObject({kind: 'timeout', method: 'getMe'})
    expect(sleeps).toEqual([375, 750])
    expect(api.requests).toHaveLength(3)
  })

  it('connection reset, then success', async () => {
    api.failNext({kind: {destroy: true}})
    const {client, sleeps} = testClient(api)
    await expect(client.getMe()).resolves.toMatchObject({id: 700000001})
    expect(sleeps).toEqual([375])
    expect(api.requests).toHaveLength(2)
  })

  it('connection refused: retried, then a TelegramNetworkError of kind network', async () => {
    const port = await closedPort()
    const sleeps: number[] = []
    const client = new BotApiClient({
      token: TOKEN,
      apiRoot: `http://127.0.0.1:${port}`,
      retry: {sleep: async (ms) => void sleeps.push(ms), random: () => 0},
    })
    const error = await rejectionOf(client.getMe())
    expect(error).toBeInstanceOf(TelegramNetworkError)
    expect(error.message).toBe(`Call to 'getMe' failed: connect ECONNREFUSED 127.0.0.1:${port}`)
    expect(error).toMatchObject({kind: 'network', method: 'getMe'})
    expect((error.cause as Error).message).toBe('fetch failed')
    expect(sleeps).toEqual([250, 500, 1000])
  })

  it('a caller abort is rethrown as is, without retries', async () => {
    api.failNext({kind: {hang: true}})
    const {client, sleeps} = testClient(api)
    const controller = new AbortController()
    const call = client.call('getMe', {}, {signal: controller.signal})
    // Aborted once the server holds the request: after a fixed pause the request could still be on its way, and land
    // (answered 200, the hang fault reset) among the next test's requests.
    await vi.waitFor(() => expect(api.requests).toHaveLength(1), {timeout: 20_000, interval: 10})
    controller.abort(new Error('operator pressed ctrl-c'))
    const error = await rejectionOf(call)
    expect(error.message).toBe('operator pressed ctrl-c')
    expect(sleeps).toEqual([])
  })
})

describe('backoffDelayMs', () => {
  it('doubles from baseDelayMs, caps at maxDelayMs, and jitters between half and all of it', () => {
    const options = {baseDelayMs: 500, maxDelayMs: 8000}
    const low = [1, 2, 3, 4, 5, 6].map((retry) => backoffDelayMs(retry, {...options, random: () => 0}))
    const high = [1, 2, 3, 4, 5, 6].map((retry) => backoffDelayMs(retry, {...options, random: () => 0.999999}))
    expect(low).toEqual([250, 500, 1000, 2000, 4000, 4000])
    expect(high).toEqual([500, 1000, 2000, 4000, 8000, 8000])
  })
})

describe('FASTPAY_TG_RETRY_BASE_MS, the test suites\' backoff knob', () => {
  afterEach(() => vi.unstubAllEnvs())

  async function sleepsAfter(faults: FaultKind[], retry = {}) {
    for (const kind of faults) api.failNext({method: 'sendMessage', kind})
    const {client, sleeps} = testClient(api, {retry})
    await sendHello(client)
    return sleeps
  }

  it('sets the first backoff delay of clients built while it is set; the retries themselves stay', async () => {
    vi.stubEnv('FASTPAY_TG_RETRY_BASE_MS', '0')
    expect(await sleepsAfter([{status: 500}, {status: 502}, {status: 503}])).toEqual([0, 0, 0])
    expect(api.requests.map((request) => request.status)).toEqual([500, 502, 503, 200])
    vi.stubEnv('FASTPAY_TG_RETRY_BASE_MS', '100')
    expect(await sleepsAfter([{status: 500}, {status: 500}])).toEqual([75, 150])
  })

  it("keeps 429's retry_after, yields to a client's own baseDelayMs, and ignores what is not whole milliseconds", async () => {
    vi.stubEnv('FASTPAY_TG_RETRY_BASE_MS', '0')
    expect(await sleepsAfter([{status: 429, retryAfter: 2}])).toEqual([2000])
    expect(await sleepsAfter([{status: 500}], {baseDelayMs: 40})).toEqual([30])
    for (const ignored of ['', '-1', '0.5', 'fast']) {
      vi.stubEnv('FASTPAY_TG_RETRY_BASE_MS', ignored)
      expect(await sleepsAfter([{status: 500}])).toEqual([375])
    }
  })
})
