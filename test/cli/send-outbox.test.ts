// `send --outbox` through the built CLI: what Telegram cannot take now (here a 502 from the nginx in front of it) is
// spooled (exit 75), listed by `alert outbox`, and delivered exactly once by `alert flush` once the server is healthy;
// a file waits as the outbox's own copy (0600) and arrives byte for byte, then the copy is gone.
import {createHash, randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {useRedisForTests} from '../store/redis-server.js'
import {ALERTS_BOT, callsOf, expectUsageError, jsonOf, ON_CALL, OPS_FORUM, useCliWorld} from './fixture.js'

const world = useCliWorld()
const asReports = {TELEGRAM_BOT_CONFIGS: JSON.stringify([{name: 'reports', token: ALERTS_BOT.token, chat_ids: [ON_CALL.id, OPS_FORUM.id]}])}
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const ENTRY_ID = '\\d{15}-\\d+-[0-9a-f]{8}'
const SPOOLED_LINE = new RegExp(`^spooled to the outbox \\((${ENTRY_ID})\\) for ${ON_CALL.id}, ${OPS_FORUM.id}: (.+); \`fastpay-tg alert flush\` delivers it$`)

/** Every request answers 502 Bad Gateway until `reset()`: Telegram is down for this run, retries included. */
const telegramDown = () => world.api.failNext({times: 1000, kind: {status: 502}})
const filesDir = () => join(world.cli.stateDir, 'outbox', 'files')
const spooledCopies = () => (existsSync(filesDir()) ? readdirSync(filesDir()) : [])

describe('send --outbox', () => {
  it('text: 502 → exit 75 and listed; alert flush delivers it once to each chat; a second flush sends nothing', async () => {
    telegramDown()
    const down = await world.run(['send', '--outbox', 'Nightly close done'], {env: asReports})
    expect([down.exitCode, down.stderr]).toEqual([75, ''])
    const [, id, error] = SPOOLED_LINE.exec(down.stdout) ?? []
    expect(id).toBeDefined()
    expect(error).toBe("Call to 'sendMessage' failed: server answered 502 Bad Gateway")

    const listed = await world.run(['alert', 'outbox'], {env: asReports})
    expect(listed.stdout.split('\n')[0]).toBe(`${id}  bot reports  chats ${ON_CALL.id},${OPS_FORUM.id}  attempts 1  Nightly close done`)

    world.api.reset()
    const flushed = await world.run(['alert', 'flush'], {env: asReports})
    expect(flushed).toEqual({stdout: `delivered ${id} (bot reports) to ${ON_CALL.id}, ${OPS_FORUM.id}\noutbox empty`, stderr: '', exitCode: 0})
    const again = await world.run(['alert', 'flush'], {env: asReports})
    expect(again).toEqual({stdout: 'outbox empty', stderr: '', exitCode: 0})
    expect(callsOf(world.api, 'sendMessage').map((request) => [request.params.chat_id, request.params.text, request.status])).toEqual([
      [ON_CALL.id, 'Nightly close done', 200],
      [OPS_FORUM.id, 'Nightly close done', 200],
    ])
  })

  it('a piped document waits as a 0600 copy in the state dir; flush delivers the same bytes once, then the copy is gone', async () => {
    const dump = randomBytes(200_000)
    const tmp = join(world.cli.env.HOME!, 'tmp')
    mkdirSync(tmp)
    telegramDown()
    const args = ['send', '--outbox', '--document', '-', '--filename', 'dump.bin', '--caption', 'nightly dump', '--json']
    const down = await world.run(args, {env: {...asReports, TMPDIR: tmp}, input: dump})
    expect(down.exitCode).toBe(75)
    const {spooled} = jsonOf(down) as {spooled: {id: string; chatIds: number[]}}
    expect(spooled.chatIds).toEqual([ON_CALL.id, OPS_FORUM.id])
    // stdin's temporary copy went at exit; the outbox's copy stays, private and whole.
    expect(readdirSync(tmp)).toEqual([])
    const [copy] = spooledCopies()
    expect(spooledCopies()).toHaveLength(1)
    expect(statSync(join(filesDir(), copy!)).mode & 0o777).toBe(0o600)
    expect(statSync(filesDir()).mode & 0o777).toBe(0o700)
    expect(sha256(readFileSync(join(filesDir(), copy!)))).toBe(sha256(dump))
    const listed = await world.run(['alert', 'outbox'], {env: asReports})
    expect(listed.stdout.split('\n')[0]).toMatch(new RegExp(`^${spooled.id}  bot reports  chats ${ON_CALL.id},${OPS_FORUM.id}  attempts 1  \\[document dump\\.bin\\] nightly dump$`))

    world.api.reset()
    const flushed = await world.run(['alert', 'flush'], {env: asReports})
    expect([flushed.exitCode, flushed.stderr]).toEqual([0, ''])
    const again = await world.run(['alert', 'flush'], {env: asReports})
    expect(again.stdout).toBe('outbox empty')
    // One upload with the whole file, then the same file by its file_id: each chat holds exactly one copy.
    const sent = callsOf(world.api, 'sendDocument')
    expect(sent.map((request) => [request.params.chat_id, request.status].map(String))).toEqual([
      [String(ON_CALL.id), '200'],
      [String(OPS_FORUM.id), '200'],
    ])
    expect(sent[0]!.files.map((file) => [file.name, file.size, file.sha256])).toEqual([['dump.bin', dump.length, sha256(dump)]])
    const uploaded = (world.api.messages(ON_CALL.id)[0] as {document: {file_id: string}}).document.file_id
    expect(sent[1]!.params.document).toBe(uploaded)
    for (const chat of [ON_CALL.id, OPS_FORUM.id]) expect(world.api.messages(chat).map((message) => message.caption)).toEqual(['nightly dump'])
    expect(spooledCopies()).toEqual([])
  })

  it('a --photo file waits the same way and goes out once through sendPhoto, byte for byte', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(5000)])
    const path = join(world.cli.env.HOME!, 'chart.png')
    writeFileSync(path, png)
    telegramDown()
    const down = await world.run(['send', '--outbox', '--photo', path, '--chat', String(ON_CALL.id), '--caption', 'p95 today'], {env: asReports})
    expect(down.exitCode).toBe(75)
    world.api.reset()
    expect((await world.run(['alert', 'flush'], {env: asReports})).exitCode).toBe(0)
    expect((await world.run(['alert', 'flush'], {env: asReports})).stdout).toBe('outbox empty')
    const sent = callsOf(world.api, 'sendPhoto')
    expect(sent.map((request) => [request.status, request.files.map((file) => [file.name, file.size, file.sha256])])).toEqual([[200, [['chart.png', png.length, sha256(png)]]]])
    expect(spooledCopies()).toEqual([])
  })

  it('delivered now: exit 0 and no copy left; a chat refused for good is exit 1 and not spooled', async () => {
    const report = join(world.cli.env.HOME!, 'report.csv')
    writeFileSync(report, 'day,total\n2026-11-30,42\n')
    const sent = await world.run(['send', '--outbox', '--document', report], {env: asReports})
    expect(sent).toEqual({stdout: `sent to ${ON_CALL.id}: message 1\nsent to ${OPS_FORUM.id}: message 1`, stderr: '', exitCode: 0})
    expect(spooledCopies()).toEqual([])
    const refused = await world.run(['send', '--outbox', '--chat', '999', 'hello'], {env: asReports})
    expect(refused.exitCode).toBe(1)
    expect(refused.stderr).toMatch(/^Error: 999: Call to 'sendMessage' failed \(400: Bad Request: chat not found\)/)
    expect(await world.run(['alert', 'outbox'], {env: asReports})).toEqual({stdout: 'outbox empty', stderr: '', exitCode: 0})
  })

  it('a copy that changed in the outbox is refused for every chat, loudly, never sent in its place', async () => {
    const report = join(world.cli.env.HOME!, 'report.csv')
    writeFileSync(report, 'day,total\n2026-11-30,42\n')
    telegramDown()
    const down = await world.run(['send', '--outbox', '--document', report, '--chat', String(ON_CALL.id)], {env: asReports})
    expect(down.exitCode).toBe(75)
    writeFileSync(join(filesDir(), spooledCopies()[0]!), 'day,total\n2026-11-30,43\n')
    world.api.reset()
    const flushed = await world.run(['alert', 'flush'], {env: asReports})
    expect(flushed.stdout).toBe('outbox empty')
    expect(flushed.stderr).toMatch(new RegExp(`^Warning: ${ENTRY_ID}: ${ON_CALL.id} refused it: the outbox's copy of "report\\.csv" \\(.+\\) changed since it was spooled: not sent$`))
    expect(world.api.requests).toEqual([])
  })
})

describe('send --outbox when the state dir cannot be written', () => {
  it('sends anyway with one warning; what could not be sent is an error (exit 3), not a silent loss', async () => {
    // A regular file where the state dir should be: no outbox can live there.
    const stateDir = join(world.cli.env.HOME!, 'state-is-a-file')
    writeFileSync(stateDir, '')
    const report = join(world.cli.env.HOME!, 'report.csv')
    writeFileSync(report, 'day,total\n')
    const env = {...asReports, FASTPAY_TG_STATE_DIR: stateDir}
    const sent = await world.run(['send', '--outbox', '--document', report, '--chat', String(ON_CALL.id)], {env})
    expect(sent.exitCode).toBe(0)
    expect(sent.stdout).toBe(`sent to ${ON_CALL.id}: message 1`)
    expect(sent.stderr).toBe(
      `Warning: --outbox: the outbox cannot keep a copy of "report.csv": state dir "${stateDir}/outbox/files" is not writable (ENOTDIR): choose another with --state-dir or FASTPAY_TG_STATE_DIR`,
    )
    telegramDown()
    const down = await world.run(['send', '--outbox', '--chat', String(ON_CALL.id), 'Nightly close done'], {env})
    expect(down.exitCode).toBe(3)
    expect(down.stderr.split('\n')).toEqual([
      `Warning: --outbox: state dir "${stateDir}/outbox" is not writable (ENOTDIR): choose another with --state-dir or FASTPAY_TG_STATE_DIR`,
      `Error: ${ON_CALL.id}: Call to 'sendMessage' failed: server answered 502 Bad Gateway`,
    ])
  })
})

describe('send --outbox when the entry cannot be written after the file was copied', () => {
  it('the document still goes out, read from the copy before it is removed (fail open, one warning)', async () => {
    // The copy fits (outbox/files/ is writable) but the entry does not: a file where outbox/claimed/ must be.
    const stateDir = join(world.cli.env.HOME!, 'state')
    mkdirSync(join(stateDir, 'outbox'), {recursive: true})
    writeFileSync(join(stateDir, 'outbox', 'claimed'), '')
    const report = join(world.cli.env.HOME!, 'report.csv')
    writeFileSync(report, 'day,total\n')
    const sent = await world.run(['send', '--outbox', '--document', report, '--chat', String(ON_CALL.id)], {env: {...asReports, FASTPAY_TG_STATE_DIR: stateDir}})
    expect([sent.exitCode, sent.stdout, sent.stderr.split('\n').length]).toEqual([0, `sent to ${ON_CALL.id}: message 1`, 1])
    expect(sent.stderr).toMatch(/^Warning: --outbox: /)
    expect(callsOf(world.api, 'sendDocument').map((request) => request.status)).toEqual([200])
    expect(readdirSync(join(stateDir, 'outbox', 'files'))).toEqual([])
  })
})

describe('send --outbox with FASTPAY_TG_STORE=redis://', () => {
  const redis = useRedisForTests()

  it('text waits in Redis and is flushed once; a local file is refused in one line, exit 2, before anything is sent', async (context) => {
    const available = redis.current()
    if (!available.redis) return context.skip(available.skip)
    // A bot name of its own, so that a Redis shared with other runs holds no entry of it.
    const name = `reports-${randomBytes(4).toString('hex')}`
    const env = {TELEGRAM_BOT_CONFIGS: JSON.stringify([{name, token: ALERTS_BOT.token, chat_ids: [ON_CALL.id]}]), FASTPAY_TG_STORE: available.redis.url}
    const report = join(world.cli.env.HOME!, 'report.csv')
    writeFileSync(report, 'day,total\n')
    expectUsageError(
      await world.run(['send', '--outbox', '--document', report], {env}),
      'Error: --outbox: the outbox is in Redis, which does not hold files: send --document without --outbox, give a URL, or use the file store (FASTPAY_TG_STORE=file)',
    )
    expect(world.api.requests).toEqual([])

    telegramDown()
    const down = await world.run(['send', '--outbox', 'Nightly close done'], {env})
    expect(down.exitCode).toBe(75)
    world.api.reset()
    const flushed = await world.run(['alert', 'flush', '--bot', name], {env})
    expect([flushed.exitCode, flushed.stdout.split('\n').at(-1)]).toEqual([0, 'outbox empty'])
    await world.run(['alert', 'flush', '--bot', name], {env})
    expect(callsOf(world.api, 'sendMessage').map((request) => request.params.text)).toEqual(['Nightly close done'])
  })
})
