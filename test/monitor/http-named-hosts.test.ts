// The monitor's `http` checks against the named hosts a monitors file really holds (https://api.example.com/health),
// answered by nock inside this process: no DNS, no network, no certificate. Loopback servers (checks.test.ts) cover
// the wire itself (latency, real TLS with a one-day certificate); these cover names, https URLs and redirects.
import nock from 'nock'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import type {CheckSpec} from '../../src/monitor/check-spec.js'
import {runCheck} from '../../src/monitor/checks/run-check.js'
import {monitorsFrom} from './helpers.js'

async function only(yaml: string): Promise<CheckSpec> {
  const {config} = await monitorsFrom(`checks:\n${yaml}`)
  return config.checks[0]!
}

const outcome = async (check: CheckSpec) => {
  const {ok, message} = await runCheck(check, {})
  return {ok, message}
}

beforeAll(() => nock.disableNetConnect())
afterEach(() => nock.cleanAll())
afterAll(() => {
  nock.enableNetConnect()
  nock.restore()
})

describe('http checks against named hosts (nock: no DNS, no network)', () => {
  it('https: status, JSON path, and the method and headers the check sends', async () => {
    const api = nock('https://api.example.com', {reqheaders: {'x-probe': 'fastpay-tg'}})
      .get('/health')
      .reply(200, {status: 'ok', db: {up: true}})
    const check = await only(
      `  - {name: api, type: http, url: "https://api.example.com/health", headers: {X-Probe: fastpay-tg}, expect: {json-path: $.db.up, json-equals: true}}`,
    )
    expect(await outcome(check)).toEqual({ok: true, message: '200 OK'})
    expect(api.isDone()).toBe(true)
  })

  it('a 503 from the named host fails, saying what came back', async () => {
    nock('https://api.example.com').get('/health').reply(503, 'upstream down')
    const check = await only(`  - {name: api, type: http, url: "https://api.example.com/health"}`)
    expect(await outcome(check)).toEqual({ok: false, message: 'status 503 Service Unavailable, expected 2xx'})
  })

  it('a redirect is judged as it is, never followed: the target is not requested', async () => {
    const moved = () =>
      nock('https://api.example.com')
        .get('/health')
        .reply(301, '', {location: 'https://status.example.net/api/health'})
    const target = nock('https://status.example.net').get('/api/health').reply(200, 'ok')
    moved()
    const plain = await only(`  - {name: api, type: http, url: "https://api.example.com/health"}`)
    expect(await outcome(plain)).toEqual({ok: false, message: 'status 301 Moved Permanently, expected 2xx'})
    moved()
    const expectingIt = await only(`  - {name: api, type: http, url: "https://api.example.com/health", expect: {status: 301}}`)
    expect(await outcome(expectingIt)).toEqual({ok: true, message: '301 Moved Permanently'})
    expect(target.isDone()).toBe(false)
  })

  it('plain http on a named host and port: a POST with its body, judged by the body', async () => {
    const queue = nock('http://queue.internal.example:8080')
      .post('/ping', {probe: true})
      .reply(200, 'depth 12, healthy')
    const check = await only(
      `  - {name: queue, type: http, method: post, url: "http://queue.internal.example:8080/ping", body: {probe: true}, expect: {body-contains: healthy}}`,
    )
    expect(await outcome(check)).toEqual({ok: true, message: '200 OK'})
    expect(queue.isDone()).toBe(true)
  })
})
