// Piped uploads to several chats: every chat gets the whole file, byte for byte, whatever the first chat answers and
// whether or not Telegram returns a file_id; the temporary copy is private and gone after exit, SIGINT or SIGTERM.
import {createHash, randomBytes} from 'node:crypto'
import {mkdirSync, readdirSync, statSync, truncateSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {execa} from 'execa'
import {beforeEach, describe, expect, it} from 'vitest'

import type {FakeBotApi} from '../fake-bot-api/server.js'
import {ALERTS_BOT, callsOf, ON_CALL, OPS_FORUM, STATUS_CHANNEL, useCliWorld} from './fixture.js'

const world = useCliWorld()
const BIN = join(import.meta.dirname, '../../bin/run.js')
const CHATS = [ON_CALL.id, OPS_FORUM.id, STATUS_CHANNEL.id]
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
let tmp: string

beforeEach(() => {
  tmp = join(world.cli.env.HOME!, 'tmp')
  mkdirSync(tmp)
})

const sendDumpArgs = ['send', '--token', ALERTS_BOT.token, ...CHATS.flatMap((id) => ['--chat', String(id)]), '--document', '-', '--filename', 'dump.bin']

/**
 * What each chat holds, as the server saw it: the size and hash of the bytes uploaded to it, or of the upload whose
 * file_id it was sent. Refused requests count for nothing.
 */
function receivedPerChat(api: FakeBotApi): Record<string, {size: number; sha256: string} | undefined> {
  const uploads = callsOf(api, 'sendDocument')
  const byFileId = new Map<string, {size: number; sha256: string}>()
  for (const request of uploads) {
    const part = request.files[0]
    if (request.status !== 200 || part === undefined) continue
    const chatId = Number(request.params.chat_id)
    const stored = api.messages(chatId).find((message) => 'document' in message) as {document: {file_id: string}} | undefined
    if (stored) byFileId.set(stored.document.file_id, {size: part.size, sha256: part.sha256})
  }
  const received: Record<string, {size: number; sha256: string} | undefined> = {}
  for (const request of uploads) {
    if (request.status !== 200) continue
    const part = request.files[0]
    received[String(request.params.chat_id)] = part ? {size: part.size, sha256: part.sha256} : byFileId.get(String(request.params.document))
  }
  return received
}

const uploadDirs = () => readdirSync(tmp).filter((name) => name.startsWith('fastpay-tg-upload-'))

describe('a piped document to three chats', () => {
  it('the first chat refusing: the other two get every byte, once uploaded, then by file_id', async () => {
    const dump = randomBytes(300_000)
    world.api.failNext({method: 'sendDocument', kind: {status: 403}})
    const result = await world.run(sendDumpArgs, {input: dump, env: {TMPDIR: tmp}})

    expect(result.exitCode).toBe(1)
    expect(result.stdout).toBe(`sent to ${OPS_FORUM.id}: message 1\nsent to ${STATUS_CHANNEL.id}: message 1`)
    expect(result.stderr).toBe("Error: 4242: Call to 'sendDocument' failed (403: Forbidden: bot was blocked by the user): the bot was removed from the chat or blocked")
    const expected = {size: dump.length, sha256: sha256(dump)}
    // The refused chat was offered the whole file too.
    expect(callsOf(world.api, 'sendDocument').map((request) => request.files.map((file) => ({size: file.size, sha256: file.sha256})))).toEqual([[expected], [expected], []])
    expect(receivedPerChat(world.api)).toEqual({[OPS_FORUM.id]: expected, [STATUS_CHANNEL.id]: expected})
    expect(uploadDirs()).toEqual([])
  })

  it('replies without file_id: each chat gets its own upload of the same bytes', async () => {
    const dump = randomBytes(200_000)
    world.api.failNext({method: 'sendDocument', times: 3, kind: {withoutFileIds: true}})
    const result = await world.run(sendDumpArgs, {input: dump, env: {TMPDIR: tmp}})

    expect(result).toEqual({stdout: CHATS.map((id) => `sent to ${id}: message 1`).join('\n'), stderr: '', exitCode: 0})
    const expected = {size: dump.length, sha256: sha256(dump)}
    expect(receivedPerChat(world.api)).toEqual({[ON_CALL.id]: expected, [OPS_FORUM.id]: expected, [STATUS_CHANNEL.id]: expected})
    expect(callsOf(world.api, 'sendDocument').every((request) => request.files.length === 1)).toBe(true)
    expect(uploadDirs()).toEqual([])
  })

  it('a 5xx on the first upload is retried with the same bytes', async () => {
    const dump = randomBytes(100_000)
    world.api.failNext({method: 'sendDocument', kind: {status: 502}})
    const result = await world.run(sendDumpArgs, {input: dump, env: {TMPDIR: tmp}})
    expect(result.exitCode).toBe(0)
    const parts = callsOf(world.api, 'sendDocument').map((request) => request.files.map((file) => file.sha256))
    expect(parts).toEqual([[sha256(dump)], [sha256(dump)], [], []])
  })

  it('more than --max-bytes on stdin is refused (not cut), before any request', async () => {
    const result = await world.run([...sendDumpArgs, '--max-bytes', '1000'], {input: randomBytes(5000), env: {TMPDIR: tmp}})
    expect(result).toEqual({stdout: '', stderr: 'Error: --document: the input is larger than 1,000 bytes: raise --max-bytes, or send a smaller file', exitCode: 2})
    expect(world.api.requests).toEqual([])
    expect(uploadDirs()).toEqual([])
  })
})

describe('a file Telegram would refuse is refused before any request', () => {
  const sendFile = (kind: string, path: string, extra: string[] = []) => world.run(['send', '--token', ALERTS_BOT.token, ...CHATS.flatMap((id) => ['--chat', String(id)]), `--${kind}`, path, ...extra])

  it('a 60 MB file by path: one line, exit 2, not 180 MB uploaded to be refused three times', async () => {
    const path = join(tmp, 'build.tar')
    writeFileSync(path, '')
    truncateSync(path, 60_000_000)
    const result = await sendFile('document', path)
    expect(result).toEqual({
      stdout: '',
      stderr: `Error: --document: "${path}" is larger than 50,000,000 bytes, Telegram's upload limit for bots: raise --max-bytes (a local Bot API server takes more), or send a smaller file`,
      exitCode: 2,
    })
    expect(world.api.requests).toEqual([])
  })

  it('--max-bytes raises the limit for a file by path too', async () => {
    const path = join(tmp, 'report.csv')
    writeFileSync(path, randomBytes(5000))
    const refused = await sendFile('photo', path, ['--max-bytes', '1000'])
    expect(refused.stderr).toBe(`Error: --photo: "${path}" is larger than 1,000 bytes: raise --max-bytes, or send a smaller file`)
    expect(refused.exitCode).toBe(2)
    expect(world.api.requests).toEqual([])
    const sent = await sendFile('document', path, ['--max-bytes', '5000'])
    expect(sent.exitCode).toBe(0)
    expect(callsOf(world.api, 'sendDocument').map((request) => request.status)).toEqual([200, 200, 200])
  })

  it('a 12 MB photo, by path or piped: over Telegram\'s 10 MB photo limit, one line naming --photo, no request', async () => {
    const path = join(tmp, 'screenshot.jpg')
    writeFileSync(path, '')
    truncateSync(path, 12_000_000)
    const byPath = await sendFile('photo', path)
    const advice = "Telegram's limit for photos: send it with --document (up to 50,000,000 bytes), or a smaller image"
    expect(byPath).toEqual({stdout: '', stderr: `Error: --photo: "${path}" is larger than 10,000,000 bytes, ${advice}`, exitCode: 2})
    // --max-bytes is how much is read; it cannot lift Telegram's photo limit.
    const raised = await sendFile('photo', path, ['--max-bytes', '60000000'])
    truncateSync(path, 60_000_000)
    expect((await sendFile('photo', path)).stderr).toBe(`Error: --photo: "${path}" is larger than 10,000,000 bytes, ${advice}`)
    expect(raised.stderr).toBe(`Error: --photo: "${path}" is larger than 10,000,000 bytes, ${advice}`)
    const pipedArgs = ['send', '--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id), '--photo', '-']
    const piped = await world.run(pipedArgs, {input: Buffer.alloc(12_000_000), env: {TMPDIR: tmp}})
    expect(piped).toEqual({stdout: '', stderr: `Error: --photo: the input is larger than 10,000,000 bytes, ${advice}`, exitCode: 2})
    expect(world.api.requests).toEqual([])
    expect(uploadDirs()).toEqual([])
  })

  it('an empty file, by path or piped: Telegram refuses empty files', async () => {
    const path = join(tmp, 'deploy.log')
    writeFileSync(path, '')
    const byPath = await sendFile('document', path)
    expect(byPath).toEqual({stdout: '', stderr: `Error: --document: "${path}" is empty: Telegram refuses empty files`, exitCode: 2})
    const piped = await world.run(sendDumpArgs, {input: '', env: {TMPDIR: tmp}})
    expect(piped).toEqual({stdout: '', stderr: 'Error: --document: the input is empty: Telegram refuses empty files', exitCode: 2})
    expect(world.api.requests).toEqual([])
    expect(uploadDirs()).toEqual([])
  })
})

describe('the temporary copy', () => {
  function spawnSend(extra: string[] = []) {
    return execa(process.execPath, [BIN, ...sendDumpArgs, ...extra], {env: {...world.cli.env, TMPDIR: tmp}, extendEnv: false, reject: false, stdin: 'pipe'})
  }

  async function until<T>(probe: () => T | undefined): Promise<T> {
    for (let tries = 0; tries < 2000; tries++) {
      const value = probe()
      if (value !== undefined) return value
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    throw new Error('gave up waiting')
  }

  it('is 0600 in a 0700 directory while in use, and removed on SIGTERM while stdin is still being read', async () => {
    const child = spawnSend()
    child.stdin!.write(randomBytes(64 * 1024))
    const [dir] = await until(() => (uploadDirs().length > 0 && readdirSync(join(tmp, uploadDirs()[0]!)).length > 0 ? uploadDirs() : undefined))
    expect(statSync(join(tmp, dir!)).mode & 0o777).toBe(0o700)
    expect(statSync(join(tmp, dir!, 'upload')).mode & 0o777).toBe(0o600)
    child.kill('SIGTERM')
    const result = await child
    expect(result.signal).toBe('SIGTERM')
    expect(uploadDirs()).toEqual([])
    expect(world.api.requests).toEqual([])
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`is removed on ${signal} while the upload hangs`, async () => {
      world.api.failNext({method: 'sendDocument', kind: {hang: true}})
      const child = spawnSend()
      child.stdin!.end(randomBytes(50_000))
      await until(() => (callsOf(world.api, 'sendDocument').length > 0 ? true : undefined))
      expect(uploadDirs()).toHaveLength(1)
      child.kill(signal)
      const result = await child
      expect(result.signal).toBe(signal)
      expect(uploadDirs()).toEqual([])
    })
  }
})
