import {createHash} from 'node:crypto'
import {mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {afterAll, afterEach, beforeEach, describe, expect, it} from 'vitest'
import {UserError} from '../../src/user-error.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'
import {GROUP_CHAT, PRIVATE_CHAT, rejectionOf, startApi, testClient} from './fixture.js'

let api: FakeBotApi
let scratch: string
const originalTmpdir = process.env.TMPDIR

beforeEach(async () => {
  api ??= await startApi()
  api.reset()
  // A private TMPDIR shows whether staged copies of streams are removed afterwards.
  scratch = await mkdtemp(join(tmpdir(), 'fastpay-tg-uploads-test-'))
  process.env.TMPDIR = join(scratch, 'tmp')
  await mkdir(join(scratch, 'tmp'))
})
afterEach(async () => {
  if (originalTmpdir === undefined) delete process.env.TMPDIR
  else process.env.TMPDIR = originalTmpdir
  await rm(scratch, {recursive: true, force: true})
})
afterAll(() => api?.close())

/** Deterministic, incompressible-looking bytes, produced in chunks the way stdin delivers them. */
function generatedBytes(size: number): Buffer {
  const bytes = Buffer.alloc(size)
  let state = 12345
  for (let i = 0; i < size; i++) {
    state = (state * 1103515245 + 12345) >>> 0
    bytes[i] = state >>> 24
  }
  return bytes
}

function chunkedStream(bytes: Buffer, chunkSize = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < bytes.length; offset += chunkSize) yield bytes.subarray(offset, offset + chunkSize)
    })(),
  )
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

describe('document uploads', () => {
  it('streams a 3 MB Readable: exact bytes and filename arrive, the staged copy is removed', async () => {
    const bytes = generatedBytes(3 * 1024 * 1024)
    const {client} = testClient(api)
    const message = await client.sendDocument({
      chat_id: PRIVATE_CHAT,
      document: {stream: chunkedStream(bytes), filename: 'backup-2024.tar.gz'},
      caption: 'nightly backup',
    })
    const [request] = api.requests
    expect(request?.encoding).toBe('multipart')
    expect(request?.files.map((file) => [file.field, file.name, file.size])).toEqual([
      ['document', 'backup-2024.tar.gz', bytes.length],
    ])
    expect(sha256(request?.files[0]?.content ?? Buffer.alloc(0))).toBe(sha256(bytes))
    expect(message.document).toMatchObject({file_name: 'backup-2024.tar.gz', file_size: bytes.length})
    expect(message.caption).toBe('nightly backup')
    expect(await readdir(join(scratch, 'tmp'))).toEqual([])
  })

  it('re-sends the whole stream when the first attempt fails', async () => {
    const bytes = generatedBytes(200_000)
    api.failNext({method: 'sendDocument', kind: {status: 500}})
    const {client} = testClient(api)
    await client.sendDocument({chat_id: PRIVATE_CHAT, document: {stream: chunkedStream(bytes), filename: 'log.txt'}})
    expect(api.requests.map((request) => request.files[0]?.size)).toEqual([bytes.length, bytes.length])
    expect(sha256(api.requests[1]?.files[0]?.content ?? Buffer.alloc(0))).toBe(sha256(bytes))
    expect(await readdir(join(scratch, 'tmp'))).toEqual([])
  })

  it('re-sends the upload to the supergroup after a migration', async () => {
    api.addChat({id: -4300, type: 'group', title: 'Uploads'})
    api.migrateChat(-4300, -1004300)
    const bytes = generatedBytes(10_000)
    const {client} = testClient(api)
    const message = await client.sendDocument({chat_id: -4300, document: {stream: chunkedStream(bytes), filename: 'a.bin'}})
    expect(message.chat.id).toBe(-1004300)
    expect(api.requests.map((request) => [request.params.chat_id, request.files[0]?.size])).toEqual([
      ['-4300', bytes.length],
      ['-1004300', bytes.length],
    ])
  })

  it('sends a file from a path with its base name, and JSON-encodes objects in the multipart body', async () => {
    const path = join(scratch, 'report.csv')
    const bytes = Buffer.from('id,status\n1,ok\n')
    await writeFile(path, bytes)
    const {client} = testClient(api)
    const markup = {inline_keyboard: [[{text: 'Details', url: 'https://example.com/r/1'}]]}
    await client.sendDocument({chat_id: GROUP_CHAT, document: {path}, reply_markup: markup, caption: undefined})
    const [request] = api.requests
    expect(request?.params).toEqual({chat_id: String(GROUP_CHAT), reply_markup: JSON.stringify(markup)})
    expect(request?.files.map((file) => [file.name, file.content.toString()])).toEqual([['report.csv', bytes.toString()]])
  })

  it('uses the filename given with a path', async () => {
    const path = join(scratch, 'upload.tmp')
    await writeFile(path, 'x')
    const {client} = testClient(api)
    const message = await client.sendPhoto({chat_id: PRIVATE_CHAT, photo: {path, filename: 'chart.png'}})
    expect(api.requests[0]?.files.map((file) => [file.field, file.name, file.contentType])).toEqual([['photo', 'chart.png', 'image/png']])
    expect(message.photo.at(-1)?.file_size).toBe(1)
  })

  it('sends a file_id or a URL as a plain string in JSON', async () => {
    const {client} = testClient(api)
    await client.sendDocument({chat_id: PRIVATE_CHAT, document: {fileId: 'BQACAgIAAxkBAAIBfake'}})
    await client.sendPhoto({chat_id: PRIVATE_CHAT, photo: {url: 'https://example.com/chart.png'}})
    expect(api.requests.map((request) => [request.encoding, request.params.document ?? request.params.photo])).toEqual([
      ['json', 'BQACAgIAAxkBAAIBfake'],
      ['json', 'https://example.com/chart.png'],
    ])
  })

  it('a missing path is a user error, and nothing is sent', async () => {
    const {client} = testClient(api)
    const missing = join(scratch, 'nope.pdf')
    const error = await rejectionOf(client.sendDocument({chat_id: PRIVATE_CHAT, document: {path: missing}}))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toBe(`cannot upload ${missing}: no such file`)
    expect(api.requests).toEqual([])
  })
})
