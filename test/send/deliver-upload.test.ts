// deliverToChats with a file: a file that changes while it is being sent is an error for every chat not yet served,
// never a truncated or mixed upload. The limiter is the hook that changes the file at an exact point.
import {createHash, randomBytes} from 'node:crypto'
import {appendFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {TelegramRateLimiter} from '../../src/rate-limit/telegram-limiter.js'
import {deliverToChats} from '../../src/send/deliver.js'
import {FORUM_CHAT, GROUP_CHAT, PRIVATE_CHAT, startApi, testClient} from '../api/fixture.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'

const CHATS = [PRIVATE_CHAT, GROUP_CHAT, FORUM_CHAT]
let api: FakeBotApi
let dir: string
let path: string
let original: Buffer

beforeEach(async () => {
  api = await startApi()
  dir = mkdtempSync(join(tmpdir(), 'fastpay-tg-deliver-'))
  path = join(dir, 'dump.bin')
  original = randomBytes(120_000)
  writeFileSync(path, original)
})

afterEach(async () => {
  await api.close()
  rmSync(dir, {recursive: true, force: true})
})

/** A limiter that runs `action` when the slot for `chatId` is granted, i.e. just before that chat's upload. */
function limiterThatOn(chatId: number, action: () => void): TelegramRateLimiter {
  return new (class extends TelegramRateLimiter {
    override run<T>(target: number | string, send: () => Promise<T>) {
      return super.run(target, () => {
        if (target === chatId) action()
        return send()
      })
    }
  })()
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const changedLine = '"dump.bin" changed while it was being sent: not sending it further (send a copy that stays put)'

describe('a file that changes while being sent', () => {
  it('between two chats: the later chats get an error and no request', async () => {
    const {client} = testClient(api)
    api.failNext({method: 'sendDocument', kind: {withoutFileIds: true}})
    const limiter = limiterThatOn(GROUP_CHAT, () => appendFileSync(path, 'one more line\n'))
    const deliveries = await deliverToChats(client, CHATS, {media: {kind: 'document', source: {path}}}, {limiter})

    expect(deliveries.map((delivery) => [delivery.chatId, delivery.ok, delivery.error?.message])).toEqual([
      [PRIVATE_CHAT, true, undefined],
      [GROUP_CHAT, false, changedLine],
      [FORUM_CHAT, false, changedLine],
    ])
    const uploads = api.requests.filter((request) => request.method === 'sendDocument')
    expect(uploads.map((request) => [request.params.chat_id, request.files[0]?.sha256])).toEqual([[String(PRIVATE_CHAT), sha256(original)]])
  })

  it('during the first upload: an error, and nothing more is sent', async () => {
    const {client} = testClient(api)
    // Changed right after the slot is taken, while the request is being built and sent.
    const limiter = limiterThatOn(PRIVATE_CHAT, () => setImmediate(() => writeFileSync(path, randomBytes(90_000))))
    const deliveries = await deliverToChats(client, CHATS, {media: {kind: 'document', source: {path}}}, {limiter})

    expect(deliveries.map((delivery) => [delivery.chatId, delivery.ok, delivery.error?.message])).toEqual([
      [PRIVATE_CHAT, false, changedLine],
      [GROUP_CHAT, false, changedLine],
      [FORUM_CHAT, false, changedLine],
    ])
    expect(api.requests.filter((request) => request.method === 'sendDocument' && request.params.chat_id !== String(PRIVATE_CHAT))).toEqual([])
  })

  it('an unchanged file with no file_id in the answers: every chat gets an upload of the same bytes', async () => {
    const {client} = testClient(api)
    api.failNext({method: 'sendDocument', times: 3, kind: {withoutFileIds: true}})
    const deliveries = await deliverToChats(client, CHATS, {media: {kind: 'document', source: {path}}})
    expect(deliveries.every((delivery) => delivery.ok)).toBe(true)
    const uploads = api.requests.filter((request) => request.method === 'sendDocument')
    expect(uploads.map((request) => request.files.map((file) => [file.size, file.sha256]))).toEqual(
      CHATS.map(() => [[original.length, sha256(original)]]),
    )
  })
})

describe('a stream', () => {
  it('is refused for several chats: it could be read only once', async () => {
    const {client} = testClient(api)
    const {Readable} = await import('node:stream')
    await expect(
      deliverToChats(client, CHATS, {media: {kind: 'document', source: {stream: Readable.from([original]), filename: 'x'}}}),
    ).rejects.toThrow('a stream can be uploaded to one chat only')
  })
})
