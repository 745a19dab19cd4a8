// The transport's own deadline (one timer a request, no AbortSignal) and its cache of parsed method URLs.
import {rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {AddressInfo, Socket} from 'node:net'
import {afterEach, describe, expect, it, vi} from 'vitest'

import {RequestTimeoutError} from '../../src/api/request-timeout.js'
import {createTransport} from '../../src/api/transport.js'
import {PRIVATE_CHAT, rejectionOf, startApi, testClient} from './fixture.js'

const servers: Server[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

/** A loopback server; `answer` decides what each request gets (never calling `end` holds it). */
async function serve(answer: Parameters<typeof createServer>[1]): Promise<{url: string; sockets: Socket[]}> {
  const sockets: Socket[] = []
  const server = createServer(answer)
  server.on('connection', (socket) => sockets.push(socket))
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets}
}

/** The timers set from now on with `delay`, and those of them cleared (vi.restoreAllMocks ends the watch). */
function timersOf(delay: number): {created: unknown[]; cleared: unknown[]} {
  const watched = {created: [] as unknown[], cleared: [] as unknown[]}
  const {setTimeout: set, clearTimeout: clear} = globalThis
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
    const timer = set(callback, ms)
    if (ms === delay) watched.created.push(timer)
    return timer
  }) as typeof setTimeout)
  vi.spyOn(globalThis, 'clearTimeout').mockImplementation((timer) => {
    if (watched.created.includes(timer)) watched.cleared.push(timer)
    clear(timer)
  })
  return watched
}

describe('the transport deadline (timeoutMs)', () => {
  it('a request not answered in time fails with RequestTimeoutError as its cause, and its connection is closed', async () => {
    const held = await serve(() => {})
    const transport = await createTransport({})
    const error = await rejectionOf(transport.fetch(`${held.url}/botX/getMe`, {method: 'POST', body: '{}', timeoutMs: 50}))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toBe('fetch failed')
    expect(error.cause).toBeInstanceOf(RequestTimeoutError)
    expect((error.cause as Error).message).toBe('request timed out after 50 ms')
    await vi.waitFor(() => expect(held.sockets.map((socket) => socket.destroyed)).toEqual([true]), {timeout: 20_000, interval: 10})
  })

  it('an answer in time leaves no timer behind', async () => {
    const quick = await serve((_request, response) => response.end('{"ok":true,"result":true}'))
    const transport = await createTransport({})
    // The request's own deadline timer, told apart by its delay: counting every timer of this process would count
    // whatever else in the worker starts or ends one meanwhile (it did: one failure in a full run).
    const deadlines = timersOf(600_000)
    const answer = await transport.fetch(`${quick.url}/botX/getMe`, {method: 'POST', body: '{}', timeoutMs: 600_000})
    expect(await answer.text()).toBe('{"ok":true,"result":true}')
    expect(deadlines.created).toHaveLength(1)
    expect(deadlines.cleared).toEqual(deadlines.created)
  })

  it('the client makes no AbortSignal a call unless asked to, and still times out', async () => {
    const timeout = vi.spyOn(AbortSignal, 'timeout')
    const any = vi.spyOn(AbortSignal, 'any')
    const api = await startApi()
    try {
      const {client} = testClient(api)
      await expect(client.sendMessage({chat_id: PRIVATE_CHAT, text: 'no signal'})).resolves.toMatchObject({text: 'no signal'})
      expect(timeout).not.toHaveBeenCalled()
      expect(any).not.toHaveBeenCalled()
      api.failNext({kind: {hang: true}})
      const {client: impatient} = testClient(api, {timeoutMs: 50, retry: {maxRetries: 0}})
      const error = await rejectionOf(impatient.getMe())
      expect(error.message).toBe("Call to 'getMe' failed: request timed out after 50 ms")
      expect(error).toMatchObject({kind: 'timeout'})
      expect(timeout).not.toHaveBeenCalled()
    } finally {
      await api.close()
    }
  })
})

describe('the deadline of an upload', () => {
  const file = join(tmpdir(), `fastpay-tg-upload-deadline-${process.pid}.bin`)
  const SIZE = 40 * 1024 * 1024
  afterEach(() => rmSync(file, {force: true}))

  /** A form with one file of SIZE bytes, as sendDocument sends it. */
  async function uploadForm() {
    writeFileSync(file, Buffer.alloc(SIZE, 7))
    const transport = await createTransport({})
    const form = transport.createFormData()
    form.appendFile!('document', {path: file, size: SIZE, type: 'application/octet-stream'}, 'dump.bin')
    return {transport, form}
  }

  it('a slow link that keeps moving is not a dead one: the upload outlasting timeoutMs still arrives, whole', async () => {
    // The server takes the body a chunk at a time with a pause after each: the upload takes several times timeoutMs,
    // and never stands still for long. (A link of about 10 MB/s against a 1.5 s timeout: 40 MB take about 4 s.)
    let received = 0
    const slow = await serve((request, response) => {
      request.on('data', (chunk: Buffer) => {
        received += chunk.length
        request.pause()
        setTimeout(() => request.resume(), 4)
      })
      request.on('end', () => response.end(`{"ok":true,"result":${received}}`))
    })
    const {transport, form} = await uploadForm()
    const answer = await transport.fetch(`${slow.url}/botX/sendDocument`, {method: 'POST', body: form, timeoutMs: 1500})
    expect(JSON.parse(await answer.text()).result).toBeGreaterThan(SIZE)
  })

  it('an upload that stops moving still fails after timeoutMs', async () => {
    const stalled = await serve((request) => request.pause())
    const {transport, form} = await uploadForm()
    const error = await rejectionOf(transport.fetch(`${stalled.url}/botX/sendDocument`, {method: 'POST', body: form, timeoutMs: 300}))
    expect(error.cause).toBeInstanceOf(RequestTimeoutError)
  })
})

describe('method URLs, parsed once each', () => {
  it('more URLs than the cache keeps still each reach their own path', async () => {
    const echo = await serve((request, response) => response.end(request.url))
    const transport = await createTransport({})
    const paths = Array.from({length: 300}, (_, index) => `/bot${index}:x/getMe`)
    const answers: string[] = []
    for (const path of [...paths, ...paths.slice(0, 5)]) answers.push(await (await transport.fetch(`${echo.url}${path}`, {method: 'POST', body: '{}'})).text())
    expect(answers).toEqual([...paths, ...paths.slice(0, 5)])
  })
})
