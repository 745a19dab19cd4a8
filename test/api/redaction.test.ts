import {inspect} from 'node:util'
import {afterAll, beforeEach, describe, expect, it} from 'vitest'
import {BotApiClient, type Transport} from '../../src/api/index.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'
import {closedPort, PRIVATE_CHAT, rejectionOf, startApi, TOKEN} from './fixture.js'

let api: FakeBotApi
beforeEach(async () => {
  api ??= await startApi()
  api.reset()
})
afterAll(() => api?.close())

/** Every text about an error that could reach a terminal or a log. */
function textsOf(error: Error): string[] {
  const texts = [error.message, String(error.stack), inspect(error, {depth: 10}), JSON.stringify(error)]
  let cause: unknown = error.cause
  while (cause !== undefined) {
    texts.push(String(cause), String((cause as Error).stack), inspect(cause, {depth: 10}))
    cause = (cause as Error).cause
  }
  return texts
}

function clientWithDebug(apiRoot: string, token = TOKEN, extra: Partial<ConstructorParameters<typeof BotApiClient>[0]> = {}) {
  const lines: string[] = []
  const client = new BotApiClient({
    token,
    apiRoot,
    timeoutMs: 200,
    debug: (line) => lines.push(line),
    retry: {sleep: async () => {}, maxRetries: 1},
    ...extra,
  })
  return {client, lines}
}

describe('the token never leaves the process', () => {
  const failures: Array<[string, (api: FakeBotApi) => Promise<{error: Error; lines: string[]; token: string}>]> = [
    ['401 Unauthorized', async (api) => {
      const token = '700000001:AAE-a_wrong_token_for_this_test_00000'
      const {client, lines} = clientWithDebug(api.url, token)
      return {error: await rejectionOf(client.getMe()), lines, token}
    }],
    ['timeout', async (api) => {
      api.failNext({times: 2, kind: {hang: true}})
      const {client, lines} = clientWithDebug(api.url)
      return {error: await rejectionOf(client.getMe()), lines, token: TOKEN}
    }],
    ['connection refused', async () => {
      const {client, lines} = clientWithDebug(`http://127.0.0.1:${await closedPort()}`)
      return {error: await rejectionOf(client.getMe()), lines, token: TOKEN}
    }],
    ['502 page', async (api) => {
      api.failNext({times: 2, kind: {status: 502}})
      const {client, lines} = clientWithDebug(api.url)
      return {error: await rejectionOf(client.sendMessage({chat_id: PRIVATE_CHAT, text: 'x'})), lines, token: TOKEN}
    }],
    ['a network error quoting the URL, with a token of no usual shape', async () => {
      const token = 'odd-token-kept-in-a-vault'
      const quotingTransport: Transport = {
        proxy: undefined,
        createFormData: () => new FormData(),
        fetch: async (url) => {
          throw new TypeError('fetch failed', {cause: new Error(`getaddrinfo ENOTFOUND while fetching ${url}`)})
        },
      }
      const {client, lines} = clientWithDebug('https://api.telegram.org', token, {transport: quotingTransport})
      return {error: await rejectionOf(client.getMe()), lines, token}
    }],
  ]

  it.each(failures)('%s: not in message, stack, cause or debug lines', async (_name, provoke) => {
    const {error, lines, token} = await provoke(api)
    expect(lines.length).toBeGreaterThan(0)
    for (const text of [...textsOf(error), ...lines]) expect(text.includes(token), text).toBe(false)
  })

  it('the masked URL still says what failed', async () => {
    const token = 'odd-token-kept-in-a-vault'
    const transport: Transport = {
      proxy: undefined,
      createFormData: () => new FormData(),
      fetch: async (url) => {
        throw new TypeError('fetch failed', {cause: new Error(`boom at ${url}`)})
      },
    }
    const {client} = clientWithDebug('https://api.telegram.org', token, {transport, retry: {maxRetries: 0}})
    const error = await rejectionOf(client.getMe())
    expect(error.message).toBe("Call to 'getMe' failed: boom at https://api.telegram.org/bot***/getMe")
  })

  it('the client object does not show the token when inspected or serialised', () => {
    const client = new BotApiClient({token: TOKEN, apiRoot: api.url})
    expect(inspect(client, {depth: 10, showHidden: true}).includes(TOKEN)).toBe(false)
    expect(JSON.stringify(client).includes(TOKEN)).toBe(false)
  })
})

describe('the token as proxies and servers echo it', () => {
  it('percent-encoded or JSON-escaped in a network error: masked in message, stack and cause', async () => {
    const transport: Transport = {
      proxy: undefined,
      createFormData: () => new FormData(),
      fetch: async (url) => {
        const percentEncoded = url.replace(TOKEN, encodeURIComponent(TOKEN))
        const jsonEscaped = JSON.stringify({url}).replace(TOKEN, TOKEN.replace(':', '\\u003a'))
        throw new TypeError('fetch failed', {cause: new Error(`403 for ${percentEncoded} (${jsonEscaped})`)})
      },
    }
    const {client} = clientWithDebug('https://api.telegram.org', TOKEN, {transport, retry: {maxRetries: 0}})
    const error = await rejectionOf(client.getMe())
    const secretPart = TOKEN.slice(TOKEN.indexOf(':') + 1)
    for (const text of textsOf(error)) expect(text.includes(secretPart), text).toBe(false)
    expect(error.message).toContain('bot700000001:AA…ab/getMe')
  })
})

describe('a timeout no timer can hold', () => {
  it('is refused when the client is made, as a user error', () => {
    expect(() => new BotApiClient({token: TOKEN, timeoutMs: 99_999_999_999_000})).toThrow(
      'the request timeout must be between 1 ms and 24 days, got 99999999999 s',
    )
  })
})
