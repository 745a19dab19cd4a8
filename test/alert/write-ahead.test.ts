// Write-ahead delivery, point by point: the moment between writing an alert's entry and committing its window, a
// long outbox in front of a new alert, claims left by a flusher that died, and throttle keys past their window.
import {spawn} from 'node:child_process'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {existsSync, mkdirSync, readdirSync, renameSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import type {AlertTarget} from '../../src/alert/alert-target.js'
import {HEAD_OF_LINE_SLICE, sendAlert} from '../../src/alert/send-alert.js'
import {FileOutbox, type OutboxEntry} from '../../src/store/index.js'
import {deliverToChats} from '../../src/send/deliver.js'
import {FileThrottle} from '../../src/store/file/file-throttle.js'
import {PRIVATE_CHAT, startApi, testClient} from '../api/fixture.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'
import {tempDir} from '../throttle/helpers.js'
import {alertSender} from './alert-sender.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')

let api: FakeBotApi
beforeEach(async () => {
  api = await startApi()
})
afterEach(() => api.close())

function setup() {
  const stateDir = tempDir('fastpay-tg-write-ahead-')
  const throttle = new FileThrottle({dir: join(stateDir, 'throttle')})
  const outbox = new FileOutbox({dir: join(stateDir, 'outbox'), now: () => T0})
  const {client} = testClient(api)
  const target: AlertTarget = {client, botLabel: 'alerts', chatIds: [PRIVATE_CHAT]}
  const alert = alertSender(target, throttle, outbox, T0)
  return {stateDir, throttle, outbox, client, alert}
}

const firstLines = () => api.messages(PRIVATE_CHAT).map((message) => message.text?.split('\n')[0])

describe('killed between writing the entry and committing the window', () => {
  it('the entry stands for the window: the retry is suppressed, and the entry is delivered once', async () => {
    const {throttle, outbox, alert, client} = setup()
    // What a run killed right after its write leaves: the entry, held by a process that is gone; no window.
    const entry = await outbox.spool({bot: 'alerts', chatIds: [PRIVATE_CHAT], message: {text: '❌ <b>DB down</b>', parseMode: 'HTML'}, throttleKey: 'alerts:DB down', createdAt: new Date(T0), attempts: 0})
    mkdirSync(join(outbox.dir, 'claimed'), {recursive: true})
    renameSync(join(outbox.dir, `${entry.id}.json`), join(outbox.dir, 'claimed', `${entry.id}.999999999.${T0}.claim`))
    expect((await throttle.peek('alerts:DB down', 60, T0 + 1_000)).send).toBe(true)

    const retry = await alert('DB down', T0 + 1_000)
    expect(retry).toMatchObject({status: 'suppressed', suppressed: {count: 1, nextAt: new Date(T0 + 60_000)}})
    expect(firstLines()).toEqual(['❌ DB down'])
    // The window is committed now, as the killed run would have done.
    expect(await throttle.peek('alerts:DB down', 60, T0 + 2_000)).toMatchObject({send: false})
    expect((await outbox.flush((waiting: OutboxEntry) => deliverToChats(client, waiting.chatIds, waiting.message))).entries).toEqual([])
    expect(firstLines()).toEqual(['❌ DB down'])
  })

  it('an alert that goes through is in the outbox, held, when its first request reaches Telegram', async () => {
    const {outbox, stateDir} = setup()
    // A server that looks at the outbox the moment the request arrives, then answers as Telegram does.
    const seen: string[][] = []
    const server = createServer((request, response) => {
      seen.push(readdirSync(join(outbox.dir, 'claimed')))
      request.resume()
      const result = {message_id: 1, date: T0 / 1000, chat: {id: PRIVATE_CHAT, type: 'private', first_name: 'Ann'}, text: 'x'}
      response.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({ok: true, result}))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const {client} = testClient(api, {apiRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}`})
      const result = await sendAlert({
        target: {client, botLabel: 'alerts', chatIds: [PRIVATE_CHAT]},
        content: {title: 'Disk full', severity: 'error', channel: 'alerts', host: null},
        throttle: {store: new FileThrottle({dir: join(stateDir, 'throttle')}), key: 'alerts:Disk full', windowSeconds: 60},
        outbox,
        now: T0,
      })
      expect(result.status).toBe('sent')
    } finally {
      server.close()
    }
    expect(seen).toEqual([[expect.stringMatching(new RegExp(`^\\d{15}-${process.pid}-[0-9a-f]{8}\\.${process.pid}\\.\\d+\\.claim$`))]])
    expect(readdirSync(join(outbox.dir, 'claimed'))).toEqual([])
  })
})

describe('head of line', () => {
  it(`a new alert reaches Telegram after at most ${HEAD_OF_LINE_SLICE} of 60 waiting entries; the rest follow it`, async () => {
    const {outbox, alert} = setup()
    for (let index = 0; index < 60; index++) {
      await outbox.spool({bot: 'alerts', chatIds: [PRIVATE_CHAT], message: {text: `old ${index}`}, createdAt: new Date(T0 - 60_000 + index)})
    }
    const result = await alert('Checkout down', T0)
    expect(result).toMatchObject({status: 'sent', flushed: {waiting: 0}})
    const arrivals = api.requests.filter((request) => request.method === 'sendMessage').map((request) => String(request.params.text).split('\n')[0])
    expect(arrivals).toHaveLength(61)
    expect(arrivals.indexOf('❌ <b>Checkout down</b>')).toBe(HEAD_OF_LINE_SLICE)
    expect(arrivals.filter((text) => text?.startsWith('old '))).toEqual(Array.from({length: 60}, (_, index) => `old ${index}`))
  })
})

describe('claims left by a flusher that died', () => {
  const claimedBy = async (outbox: FileOutbox, pid: number, claimedAt: number) => {
    const entry = await outbox.spool({bot: 'alerts', chatIds: [PRIVATE_CHAT], message: {text: 'claimed'}, createdAt: new Date(T0)})
    mkdirSync(join(outbox.dir, 'claimed'), {recursive: true})
    renameSync(join(outbox.dir, `${entry.id}.json`), join(outbox.dir, 'claimed', `${entry.id}.${pid}.${claimedAt}.claim`))
  }

  it('a live holder keeps its claim for one lease (60 s by default); a flush after that takes it over', async () => {
    const holder = spawn('sleep', ['30'])
    try {
      let now = T0
      const outbox = new FileOutbox({dir: tempDir('fastpay-tg-lease-'), now: () => now})
      await claimedBy(outbox, holder.pid!, T0)
      const {client} = testClient(api)
      const deliver = (entry: OutboxEntry) => deliverToChats(client, entry.chatIds, entry.message)
      now = T0 + 60_000
      expect(await outbox.flush(deliver)).toMatchObject({entries: [], waiting: 1})
      now = T0 + 60_001
      expect(await outbox.flush(deliver)).toMatchObject({entries: [{delivered: [PRIVATE_CHAT]}], waiting: 0})
    } finally {
      holder.kill()
    }
  })
})

describe('throttle keys past their window', () => {
  it('prune removes keys whose window is over, unmuted, with nothing held back; keeps the others', async () => {
    const {throttle} = setup()
    await throttle.decide('over', 60, T0)
    await throttle.decide('open', 3_600, T0)
    await throttle.decide('muted', 60, T0)
    await throttle.mute('muted', T0 + 3_600_000, T0)
    await throttle.decide('held back', 60, T0)
    await throttle.decide('held back', 60, T0 + 1)
    const files = () => readdirSync(throttle.dir).filter((name) => name.endsWith('.json')).length
    expect(files()).toBe(4)
    expect(await throttle.prune(T0 + 120_000)).toBe(1)
    expect(existsSync(throttle.pathFor('over'))).toBe(false)
    expect([throttle.pathFor('open'), throttle.pathFor('muted'), throttle.pathFor('held back')].every((path) => existsSync(path))).toBe(true)
    // A held-back count waits for the next alert that goes through, for 30 days at most.
    expect(await throttle.prune(T0 + 31 * 24 * 3600 * 1000)).toBe(3)
    expect(files()).toBe(0)
  })

  it('leaves a file that is not a throttle state alone', async () => {
    const {throttle} = setup()
    mkdirSync(throttle.dir, {recursive: true})
    writeFileSync(join(throttle.dir, `${'a'.repeat(32)}.json`), 'not json')
    expect(await throttle.prune(T0)).toBe(0)
    expect(readdirSync(throttle.dir)).toEqual([`${'a'.repeat(32)}.json`])
  })
})
