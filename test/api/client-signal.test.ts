// A client-wide signal (a deadline for a whole run) cancels the request in flight, every retry not yet made, and a
// backoff sleep in progress: the caller gets the abort reason, and nothing more reaches the server.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {BotApiClient} from '../../src/api/index.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'
import {PRIVATE_CHAT, rejectionOf, startApi, TOKEN} from './fixture.js'

let api: FakeBotApi
beforeEach(async () => {
  api = await startApi()
})
afterEach(async () => {
  await api.close()
})

describe('BotApiClient signal', () => {
  it('aborts a request that hangs, and makes no retry', async () => {
    api.failNext({method: 'sendMessage', kind: {hang: true}, times: 10})
    const deadline = new AbortController()
    const client = new BotApiClient({token: TOKEN, apiRoot: api.url, timeoutMs: 60_000, signal: deadline.signal})
    const reason = new Error('deadline passed')
    const call = client.sendMessage({chat_id: PRIVATE_CHAT, text: 'hi'})
    // Abort once the server holds the request.
    while (api.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    deadline.abort(reason)
    expect(await rejectionOf(call)).toBe(reason)
    expect(api.requests).toHaveLength(1)
  })

  it('ends a backoff sleep at once: the injected sleep never resolves, the abort still gets through', async () => {
    api.failNext({method: 'sendMessage', kind: {status: 502}})
    const deadline = new AbortController()
    const reason = new Error('deadline passed')
    let sleeping: (() => void) | undefined
    const client = new BotApiClient({
      token: TOKEN,
      apiRoot: api.url,
      signal: deadline.signal,
      retry: {sleep: () => new Promise<void>((resolve) => (sleeping = resolve)), random: () => 0.5},
    })
    const call = client.sendMessage({chat_id: PRIVATE_CHAT, text: 'hi'})
    while (sleeping === undefined) await new Promise((resolve) => setTimeout(resolve, 5))
    deadline.abort(reason)
    expect(await rejectionOf(call)).toBe(reason)
    // Only the 502 attempt reached the server: no retry after the abort.
    expect(api.requests.map((request) => request.status)).toEqual([502])
  })

  it('an aborted signal sends nothing at all', async () => {
    const reason = new Error('too late')
    const client = new BotApiClient({token: TOKEN, apiRoot: api.url, signal: AbortSignal.abort(reason)})
    expect(await rejectionOf(client.sendMessage({chat_id: PRIVATE_CHAT, text: 'hi'}))).toBe(reason)
    expect(api.requests).toEqual([])
  })
})
