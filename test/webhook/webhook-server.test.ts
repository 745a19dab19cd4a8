// The receiver in-process, with handlers the test controls: back-pressure, failing handlers, broken HTTP, shutdown.
import {connect} from 'node:net'

import type {Update} from '@grammyjs/types'
import {afterEach, describe, expect, it, vi} from 'vitest'

import {requestPath} from '../../src/webhook/webhook-route.js'
import {startWebhookServer, type WebhookServer, type WebhookServerOptions} from '../../src/webhook/webhook-server.js'

const servers: WebhookServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close(0)))
})

interface Recorder {
  handled: number[]
  logged: string[]
  errors: string[]
}

async function start(handle: (update: Update) => Promise<string | undefined>, options: Partial<WebhookServerOptions<string>> = {}) {
  const recorder: Recorder = {handled: [], logged: [], errors: []}
  const server = await startWebhookServer<string>({
    bots: new Map([[1, 'alerts']]),
    handle: async (_bot, update) => {
      const line = await handle(update)
      recorder.handled.push(update.update_id)
      return line
    },
    laneOf: (webhookId, update) => `${webhookId}:${update.update_id}`,
    port: 0,
    log: (line) => recorder.logged.push(line),
    logError: (line) => recorder.errors.push(line),
    ...options,
  })
  servers.push(server)
  const post = async (updateId: number) => {
    const response = await fetch(`${server.url}/api/telegram/webhook/1/`, {method: 'POST', body: JSON.stringify({update_id: updateId})})
    return [response.status, await response.text()]
  }
  return {server, recorder, post}
}

function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return {opened, open}
}

describe('startWebhookServer', () => {
  it('a handler that throws: the update was still answered 200, the failure is one line, the next update is handled', async () => {
    const done = gate()
    const {recorder, post} = await start(async (update) => {
      if (update.update_id === 5) throw new Error("Call to 'sendMessage' failed (403: Forbidden: bot was blocked by the user)")
      done.open()
      return `handled ${update.update_id}`
    })
    expect(await post(5)).toEqual([200, ''])
    expect(await post(6)).toEqual([200, ''])
    await done.opened
    await new Promise((resolve) => setImmediate(resolve))
    expect(recorder.errors).toEqual(["webhook: update 5 for bot 1 failed: Call to 'sendMessage' failed (403: Forbidden: bot was blocked by the user)"])
    expect(recorder.logged).toEqual(['handled 6'])
  })

  it('beyond maxQueuedUpdates it answers 503 so Telegram retries later', async () => {
    const release = gate()
    const {recorder, post} = await start(() => release.opened.then(() => undefined), {concurrency: 1, maxQueuedUpdates: 1})
    expect(await post(1)).toEqual([200, ''])
    expect(await post(2)).toEqual([503, 'too many updates waiting; Telegram will retry\n'])
    expect(recorder.errors).toEqual(['webhook: 503 too many updates waiting; Telegram will retry (127.0.0.1 POST /api/telegram/webhook/1/)'])
    release.open()
    await new Promise((resolve) => setImmediate(resolve))
    expect(await post(2)).toEqual([200, ''])
  })

  it("a bot whose updates all wait (on its rate limiter) does not hold back another bot's updates", async () => {
    const release = gate()
    const handled: string[] = []
    const server = await startWebhookServer<string>({
      bots: new Map([
        [1, 'alerts'],
        [2, 'deploy'],
      ]),
      handle: async (bot, update) => {
        if (bot === 'alerts') await release.opened
        handled.push(`${bot} ${update.update_id}`)
        return undefined
      },
      laneOf: (webhookId, update) => `${webhookId}:${update.update_id}`,
      port: 0,
      concurrency: 2,
    })
    servers.push(server)
    const post = (botId: number, updateId: number) => fetch(`${server.url}/api/telegram/webhook/${botId}/`, {method: 'POST', body: JSON.stringify({update_id: updateId})}).then((response) => response.status)
    for (const updateId of [1, 2, 3]) expect(await post(1, updateId)).toBe(200)
    expect(await post(2, 4)).toBe(200)
    await vi.waitFor(() => expect(handled).toEqual(['deploy 4']), {timeout: 10_000})
    release.open()
    await vi.waitFor(() => expect(handled.sort()).toEqual(['alerts 1', 'alerts 2', 'alerts 3', 'deploy 4']), {timeout: 10_000})
  })

  it('a request that is not HTTP gets 400 and the server goes on', async () => {
    const {server, post} = await start(async () => undefined)
    const socket = connect(server.port, '127.0.0.1')
    socket.write('NONSENSE\r\n\r\n')
    const answer = await new Promise<string>((resolve) => {
      let text = ''
      socket.on('data', (chunk) => (text += chunk.toString()))
      socket.on('close', () => resolve(text))
    })
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request')
    expect(await post(1)).toEqual([200, ''])
  })

  it('a request whose peer goes away before its body arrives is one line naming the peer, and nothing is handled', async () => {
    const {server, recorder, post} = await start(async () => undefined)
    const socket = connect(server.port, '127.0.0.1')
    // `100 Continue` says the server has the request; then part of the body, and the peer is gone. The socket is closed
    // by the time the server learns the body will not come: the peer is named all the same.
    socket.write('POST /api/telegram/webhook/1/ HTTP/1.1\r\nhost: x\r\nexpect: 100-continue\r\ncontent-length: 100\r\n\r\n')
    await new Promise((resolve) => socket.once('data', resolve))
    socket.end('{"update_id": 1')
    socket.destroy()
    await vi.waitFor(() => expect(recorder.errors).toEqual(['webhook: request cut short or timed out before its body arrived (127.0.0.1 POST /api/telegram/webhook/1/)']), {timeout: 10_000})
    expect(await post(2)).toEqual([200, ''])
    expect(recorder.handled).toEqual([2])
  })

  it.each([
    ['401 (no secret)', '/api/telegram/webhook/1/', 401],
    ['404 (no bot there)', '/api/telegram/webhook/2/', 404],
  ])('a refused request (%s) that keeps uploading is cut off past the body limit, not read on until the timeout', async (_name, path, status) => {
    const maxBodyBytes = 64 * 1024
    const {server, post} = await start(async () => undefined, {maxBodyBytes, ...(status === 401 ? {secret: 's3cret'} : {})})
    const socket = connect(server.port, '127.0.0.1')
    let answer = ''
    socket.on('data', (chunk) => (answer += chunk.toString()))
    socket.on('error', () => {})
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
    socket.write(`POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-length: 999999999\r\n\r\n`)
    // The peer writes on, each chunk once the last one is taken, up to 32 times the limit or until the server hangs up.
    const chunk = Buffer.alloc(16 * 1024, 0x20)
    let sent = 0
    let hungUp = false
    void closed.then(() => (hungUp = true))
    while (!hungUp && sent < 32 * maxBodyBytes) {
      sent += chunk.length
      await new Promise<void>((resolve) => (socket.write(chunk, () => resolve()) ? undefined : socket.once('drain', resolve)))
      await new Promise((resolve) => setImmediate(resolve))
    }
    const cutOff = hungUp
    socket.destroy()
    await closed
    expect(answer.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Not Found'}`)
    expect(cutOff).toBe(true)
    expect(sent).toBeLessThan(32 * maxBodyBytes)
    if (status === 404) expect(await post(1)).toEqual([200, ''])
  })

  it('close() stops accepting but lets queued updates finish', async () => {
    const release = gate()
    const {server, recorder, post} = await start(() => release.opened.then(() => undefined))
    expect(await post(1)).toEqual([200, ''])
    const closing = server.close()
    await expect(post(2)).rejects.toThrow('fetch failed')
    release.open()
    await closing
    expect(recorder.handled).toEqual([1])
    expect(server.accepted).toBe(1)
  })
})

describe('requestPath', () => {
  it('gives the path the URL parser gives, whatever the request target (it routes, so a difference would open a path)', () => {
    const targets = [
      '/api/telegram/webhook/1/',
      '/api/telegram/webhook/1/?a=b',
      '/tg/api/telegram/webhook/1',
      '/evil/../api/telegram/webhook/1/',
      '/api/telegram/./webhook/1/',
      '/api/telegram/webhook/1/#x',
      '/a#b?c',
      'http://host/api/telegram/webhook/1/',
      '//host/api/telegram/webhook/1/',
      '/a//b',
      '/api%2ftelegram/webhook/1/',
      '/api\\telegram\\webhook\\1\\',
      '/caf\u00e9',
      '*',
      '',
    ]
    expect(targets.map((target) => requestPath(target))).toEqual(targets.map((target) => new URL(target, 'http://localhost').pathname))
  })
})
