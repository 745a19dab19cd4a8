import {writeFileSync} from 'node:fs'
import {createServer as createHttpServer} from 'node:http'
import {type AddressInfo, createServer} from 'node:net'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {CheckSpec} from '../../src/monitor/check-spec.js'
import {runCheck} from '../../src/monitor/checks/run-check.js'
import {closedPort} from '../api/fixture.js'
import {type FlipServer, monitorsFrom, startFlipServer} from './helpers.js'
import {makeShortLivedCert, type ShortLivedCert, startHttpsServer, tlsUnavailable} from './tls-fixture.js'

async function only(yaml: string): Promise<CheckSpec> {
  const {config} = await monitorsFrom(`checks:\n${yaml}`)
  return config.checks[0]!
}

const outcome = async (check: CheckSpec, now?: number) => {
  const {ok, message, output, exitCode} = await runCheck(check, now === undefined ? {} : {now: () => now})
  return {ok, message, ...(output === undefined ? {} : {output}), ...(exitCode === undefined ? {} : {exitCode})}
}

describe('tcp check', () => {
  it('passes on an open port and fails on a closed one, naming it', async () => {
    const server = createServer((socket) => socket.end())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const open = (server.address() as {port: number}).port
    const closed = await closedPort()
    try {
      expect(await outcome(await only(`  - {name: db, type: tcp, host: 127.0.0.1, port: ${open}}`))).toEqual({ok: true, message: 'connected'})
      expect(await outcome(await only(`  - {name: db, type: tcp, host: 127.0.0.1, port: ${closed}}`))).toEqual({
        ok: false,
        message: `connection refused (127.0.0.1:${closed})`,
      })
    } finally {
      server.close()
    }
  })
})

describe('tls check of a port that does not speak TLS', () => {
  it('says so in words, not in OpenSSL\'s error string, for a tls and an https check', async () => {
    const plain = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n'))
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve))
    const port = (plain.address() as AddressInfo).port
    try {
      expect(await outcome(await only(`  - {name: cert, type: tls, host: 127.0.0.1, port: ${port}}`))).toEqual({
        ok: false,
        message: `TLS: the server answered in plain text, not TLS (127.0.0.1:${port})`,
      })
      expect(await outcome(await only(`  - {name: api, type: http, url: "https://127.0.0.1:${port}/health"}`))).toEqual({
        ok: false,
        message: 'TLS: the server answered in plain text, not TLS',
      })
    } finally {
      plain.close()
    }
  })
})

describe('command check', () => {
  it('judges the exit code and the output, and keeps the output tail', async () => {
    const {config, dir} = await monitorsFrom(`
checks:
  - name: queue-depth
    type: command
    run: ["sh", "./depth.sh", "--max", "1000"]
    expect: {exit-code: 0, output-contains: "depth"}
  - name: failing
    type: command
    run: "echo 'queue depth 4200 > 1000' >&2; exit 2"
  - name: wrong-output
    type: command
    run: ["echo", "all fine"]
    expect: {output-matches: "^depth \\\\d+$"}
  - name: missing
    type: command
    run: ["./no-such-script.sh"]
  - name: slow
    type: command
    run: ["sleep", "5"]
    timeout: 100ms
`)
    // Relative programs and paths start from the monitors file's directory.
    writeFileSync(join(dir, 'depth.sh'), 'echo "depth 12 (max $2)"\n')
    const results = await Promise.all(config.checks.map((check) => outcome(check)))
    expect(results).toEqual([
      {ok: true, message: 'exit code 0', output: 'depth 12 (max 1000)', exitCode: 0},
      {ok: false, message: 'exit code 2, expected 0', output: 'queue depth 4200 > 1000', exitCode: 2},
      {ok: false, message: 'exit code 0, but the output does not match /^depth \\d+$/', output: 'all fine', exitCode: 0},
      {ok: false, message: 'command not found: ./no-such-script.sh'},
      {ok: false, message: 'timed out after 100ms'},
    ])
  })
})

describe('http check', () => {
  let server: FlipServer
  beforeAll(async () => {
    server = await startFlipServer()
  })
  afterAll(() => server.close())

  it('checks status, body, a JSON path and latency, and says which expectation failed', async () => {
    const check = (expect: string) => only(`  - {name: api, type: http, url: "${server.url}/health", expect: ${expect}}`)
    expect(await outcome(await check(`{status: 200, json-path: $.db.up, json-equals: true}`))).toEqual({ok: true, message: '200 OK'})
    expect(await outcome(await check(`{json-path: $.status, json-equals: degraded}`))).toEqual({
      ok: false,
      message: 'status 200 OK, but $.status is "ok", expected "degraded"',
    })
    expect(await outcome(await check(`{json-path: '$.checks[0]'}`))).toEqual({ok: false, message: 'status 200 OK, but $.checks[0] is not in the body'})
    expect(await outcome(await check(`{body-contains: '"healthy"'}`))).toEqual({
      ok: false,
      message: 'status 200 OK, but the body does not contain "\\"healthy\\""',
    })
    expect(await outcome(await check(`{status: [201, 204]}`))).toEqual({ok: false, message: 'status 200 OK, expected 201 or 204'})
    server.answer = 'error'
    expect(await outcome(await check(`{}`))).toEqual({ok: false, message: 'status 500 Internal Server Error, expected 2xx'})
    server.answer = 'ok'
  })

  it('judges a body that never ends (a stream, an event source) on its first megabyte instead of timing out', async () => {
    const streaming = createHttpServer((_request, response) => {
      response.writeHead(200, {'content-type': 'text/event-stream'})
      response.write('event: hello\ndata: {"status":"ok"}\n\n')
      const chunk = `data: ${'x'.repeat(64 * 1024)}\n\n`
      const timer = setInterval(() => response.write(chunk), 5)
      response.on('close', () => clearInterval(timer))
    })
    await new Promise<void>((resolve) => streaming.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(streaming.address() as AddressInfo).port}/events`
    try {
      const check = (expect: string) => only(`  - {name: events, type: http, url: "${url}", timeout: 20s, expect: ${expect}}`)
      expect(await outcome(await check(`{status: 200, body-contains: '"ok"'}`))).toEqual({ok: true, message: '200 OK'})
      expect(await outcome(await check(`{body-contains: never-sent}`))).toEqual({ok: false, message: 'status 200 OK, but the body does not contain "never-sent"'})
    } finally {
      streaming.closeAllConnections()
      streaming.close()
    }
  })

  it('fails an answer slower than max-latency', async () => {
    const {createServer: createHttpServer} = await import('node:http')
    // The delay is a floor the answer cannot beat, so the outcome does not depend on the machine's speed.
    const slow = createHttpServer((_request, response) => void setTimeout(() => response.end('ok'), 30))
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve))
    try {
      const check = await only(`  - {name: api, type: http, url: "http://127.0.0.1:${(slow.address() as {port: number}).port}/", expect: {max-latency: 5ms}}`)
      const result = await outcome(check)
      expect(result.ok).toBe(false)
      expect(result.message).toMatch(/^status 200 OK, but slow: \d+ms, over 5ms$/)
      expect(Number(/slow: (\d+)ms/.exec(result.message)![1])).toBeGreaterThanOrEqual(30)
    } finally {
      slow.close()
    }
  })

  it('sends the method, headers (with ${VAR} from the environment) and body it is given', async () => {
    const requests: Array<{method?: string; auth?: string; type?: string; body: string}> = []
    const {createServer: createHttpServer} = await import('node:http')
    const echo = createHttpServer((request, response) => {
      let body = ''
      request.on('data', (chunk: Buffer) => (body += chunk.toString()))
      request.on('end', () => {
        requests.push({method: request.method, auth: request.headers.authorization, type: request.headers['content-type'], body})
        response.end('ok')
      })
    })
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
    const port = (echo.address() as {port: number}).port
    process.env.FASTPAY_TG_TEST_API_KEY = 's3cret'
    try {
      const check = await only(`  - {name: post, type: http, method: post, url: "http://127.0.0.1:${port}/ping", headers: {Authorization: "Bearer \${FASTPAY_TG_TEST_API_KEY}"}, body: {probe: true}}`)
      expect(await outcome(check)).toEqual({ok: true, message: '200 OK'})
    } finally {
      delete process.env.FASTPAY_TG_TEST_API_KEY
      echo.close()
    }
    expect(requests).toEqual([{method: 'POST', auth: 'Bearer s3cret', type: 'application/json', body: '{"probe":true}'}])
  })
})

const noTls = tlsUnavailable()

describe.skipIf(noTls !== undefined)(`tls check against a local HTTPS server with a one-day certificate${noTls ? ` (skipped: ${noTls})` : ''}`, () => {
  let certificate: ShortLivedCert
  let https: Awaited<ReturnType<typeof startHttpsServer>>
  beforeAll(async () => {
    certificate = makeShortLivedCert()
    https = await startHttpsServer(certificate)
  })
  afterAll(() => https.close())

  const until = () => new Date(certificate.validTo).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const tlsCheck = (extra: string) => only(`  - {name: cert, type: tls, host: 127.0.0.1, port: ${https.port}, ca: "${certificate.certPath}", ${extra}}`)

  it('fails when the certificate expires within expires-within, and passes when it does not', async () => {
    const fiveHoursLeft = certificate.validTo - 5 * 3_600_000
    expect(await outcome(await tlsCheck('expires-within: 14d'), fiveHoursLeft)).toEqual({
      ok: false,
      message: `the certificate expires in 5h 00m (${until()}), within 14d`,
    })
    expect(await outcome(await tlsCheck('expires-within: 4h'), fiveHoursLeft)).toEqual({
      ok: true,
      message: `certificate valid until ${until()} (5h 00m left)`,
    })
    expect(await outcome(await tlsCheck('expires-within: 4h'), certificate.validTo + 120_000)).toEqual({
      ok: false,
      message: `the certificate expired 2m 00s ago (${until()})`,
    })
  })

  it('refuses a certificate it cannot verify, unless tls-verify is false', async () => {
    const untrusted = await only(`  - {name: cert, type: tls, host: 127.0.0.1, port: ${https.port}}`)
    expect(await outcome(untrusted)).toEqual({ok: false, message: `TLS: self-signed certificate, not trusted (127.0.0.1:${https.port})`})
    const unverified = await only(`  - {name: cert, type: tls, host: 127.0.0.1, port: ${https.port}, tls-verify: false, expires-within: 1h}`)
    expect((await outcome(unverified, certificate.validTo - 3 * 3_600_000)).ok).toBe(true)
  })

  it('lets an http check trust the same certificate through ca', async () => {
    const api = await only(`  - {name: api, type: http, url: "https://127.0.0.1:${https.port}/health", ca: "${certificate.certPath}", expect: {json-path: $.status, json-equals: ok}}`)
    expect(await outcome(api)).toEqual({ok: true, message: '200 OK'})
    const strict = await only(`  - {name: api, type: http, url: "https://127.0.0.1:${https.port}/health"}`)
    expect(await outcome(strict)).toEqual({ok: false, message: 'TLS: self-signed certificate, not trusted'})
  })
})
