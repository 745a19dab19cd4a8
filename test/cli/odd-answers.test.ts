// Inputs and answers at the edges of the transport: an absurd --timeout, and a server that says `ok` without a
// result. Each is one line and the right exit code, never "unexpected error" with a TypeError behind it.
import {createServer, type Server} from 'node:http'
import {afterEach, describe, expect, it} from 'vitest'

import {ALERTS_BOT, expectUsageError, ON_CALL, useCliWorld} from './fixture.js'

const world = useCliWorld()
const toOnCall = ['--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id)]

let stub: Server | undefined
afterEach(async () => {
  stub?.closeAllConnections()
  await new Promise<void>((resolve) => (stub ? stub.close(() => resolve()) : resolve()))
  stub = undefined
})

/** A server that answers every call with `body` and status 200, counting calls. */
async function answering(body: string): Promise<{url: string; calls: () => number}> {
  let calls = 0
  stub = createServer((request, response) => {
    calls++
    request.resume()
    response.writeHead(200, {'content-type': 'application/json'}).end(body)
  })
  await new Promise<void>((resolve) => stub!.listen(0, '127.0.0.1', resolve))
  return {url: `http://127.0.0.1:${(stub.address() as {port: number}).port}`, calls: () => calls}
}

describe('--timeout', () => {
  it('99999999999 seconds: one line naming the flag, exit 2, nothing sent', async () => {
    const result = await world.run(['send', ...toOnCall, '--timeout', '99999999999', 'hi'])
    expectUsageError(result, 'Error: Parsing --timeout: Expected an integer less than or equal to 86400 but received: 99999999999')
    expect(world.api.requests).toEqual([])
  })

  it('a day is accepted', async () => {
    const result = await world.run(['send', ...toOnCall, '--timeout', '86400', 'hi'])
    expect(result).toEqual({stdout: 'sent to 4242: message 1', stderr: '', exitCode: 0})
  })
})

describe('an answer that is not the Bot API', () => {
  it.each([
    ['{"ok":true,"result":null}', 'without a result'],
    ['{"ok":true}', 'without a result'],
    ['{"ok":true,"result":true}', 'a result that is not a message'],
  ])('%s: one line, exit 3, sent once (no resend: the message may have gone out)', async (body, what) => {
    const server = await answering(body)
    const result = await world.run(['send', ...toOnCall, 'hi'], {env: {TELEGRAM_API_BASE_URL: server.url}})
    expect(result).toEqual({
      stdout: '',
      stderr: `Error: 4242: Call to 'sendMessage' failed: server answered ok with ${what}: not the Telegram Bot API?`,
      exitCode: 3,
    })
    expect(server.calls()).toBe(1)
  })
})
