import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {TelegramApiError, TelegramNetworkError} from '../../src/api/index.js'
import {describeFailure} from '../../src/describe-failure.js'
import {FileOutbox, type OutboxEntry} from '../../src/store/index.js'
import {registerSecret} from '../../src/redact.js'
import type {ChatDelivery} from '../../src/send/deliver.js'
import {deadPid, tempDir} from '../throttle/helpers.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')
const NETWORK_DOWN = describeFailure(new TelegramNetworkError('sendMessage', 'network', 'connect ECONNREFUSED 127.0.0.1:9'))
const BLOCKED = describeFailure(new TelegramApiError('sendMessage', 403, 'Forbidden: bot was blocked by the user'))
const BAD_TOKEN = describeFailure(new TelegramApiError('sendMessage', 401, 'Unauthorized'))
const SLOW_DOWN = describeFailure(new TelegramApiError('sendMessage', 429, 'Too Many Requests: retry after 300', {retry_after: 300}))

function newOutbox(dir = tempDir('fastpay-tg-outbox-')) {
  return new FileOutbox({dir, now: () => T0})
}

function spoolText(outbox: FileOutbox, text: string, at: number, chatIds: Array<number | string> = [1], bot = 'alerts') {
  return outbox.spool({bot, chatIds, message: {text, parseMode: 'HTML'}, createdAt: new Date(at), lastError: 'down'})
}

/** Delivers every chat, recording what went where. */
function recorder(outcome: (chatId: number | string, entry: OutboxEntry) => ChatDelivery['error'] | undefined = () => undefined) {
  const sent: Array<{text: string; chatId: number | string}> = []
  const deliver = async (entry: OutboxEntry): Promise<ChatDelivery[]> =>
    entry.chatIds.map((chatId) => {
      const error = outcome(chatId, entry)
      if (error) return {chatId, ok: false, messageIds: [], error}
      sent.push({text: entry.message.text, chatId})
      return {chatId, ok: true, messageIds: [sent.length]}
    })
  return {sent, deliver}
}

describe('Outbox.spool and list', () => {
  it('writes one private JSON file per entry, named to sort oldest first, with no token in it', async () => {
    const token = '700000009:AAE-outbox_secret_token_0123456789ab'
    registerSecret(token)
    const outbox = newOutbox()
    const later = await spoolText(outbox, `second, quoting ${token}`, T0 + 5_000, [-100, '@ops'])
    const earlier = await outbox.spool({
      bot: 'alerts',
      chatIds: [42],
      message: {text: 'first', parseMode: 'HTML', silent: true, threadId: 7},
      throttleKey: 'alerts:Disk full',
      createdAt: new Date(T0),
      lastError: `Call failed for bot${token}`,
    })
    expect(earlier.id).toMatch(new RegExp(`^00${T0}-${process.pid}-[0-9a-f]{8}$`))
    const path = join(outbox.dir, `${earlier.id}.json`)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      version: 1,
      id: earlier.id,
      bot: 'alerts',
      chatIds: [42],
      message: {text: 'first', parseMode: 'HTML', silent: true, threadId: 7},
      throttleKey: 'alerts:Disk full',
      createdAt: '2025-06-01T14:02:11.000Z',
      attempts: 1,
      lastError: 'Call failed for bot700000009:AA…ab',
    })
    const files = readdirSync(outbox.dir).map((name) => readFileSync(join(outbox.dir, name), 'utf8'))
    expect(files.join('')).not.toContain(token)
    expect(later.message.text).toBe('second, quoting 700000009:AA…ab')
    const listing = await outbox.list()
    expect(listing.items.map((item) => item.entry.message.text)).toEqual(['first', 'second, quoting 700000009:AA…ab'])
    expect(listing.warnings).toEqual([])
  })

  it('refuses an outbox dir it cannot write with one line naming the dir, the flag and the variable', async () => {
    const blocker = join(tempDir(), 'state')
    writeFileSync(blocker, '')
    const dir = join(blocker, 'outbox')
    const error = await spoolText(new FileOutbox({dir}), 'x', T0).then(
      () => new Error('expected a rejection'),
      (caught: Error) => caught,
    )
    expect(error.message).toBe(
      `state dir "${dir}" is not writable (ENOTDIR): choose another with --state-dir or FASTPAY_TG_STATE_DIR`,
    )
    expect(describeFailure(error).exitCode).toBe(2)
  })

  it('lists nothing, and creates nothing, when the outbox does not exist', async () => {
    const dir = join(tempDir(), 'outbox')
    expect(await new FileOutbox({dir}).list()).toEqual({items: [], warnings: []})
    expect(existsSync(dir)).toBe(false)
  })
})

describe('Outbox.flush', () => {
  it('delivers oldest first, removes what every chat took, and a second flush finds nothing', async () => {
    const outbox = newOutbox()
    await spoolText(outbox, 'c', T0 + 2, [1, 2])
    await spoolText(outbox, 'a', T0)
    await spoolText(outbox, 'b', T0 + 1)
    const {sent, deliver} = recorder()
    const report = await outbox.flush(deliver)
    expect(sent).toEqual([
      {text: 'a', chatId: 1},
      {text: 'b', chatId: 1},
      {text: 'c', chatId: 1},
      {text: 'c', chatId: 2},
    ])
    expect(report).toMatchObject({waiting: 0, warnings: []})
    expect(report.entries.map((entry) => entry.delivered)).toEqual([[1], [1], [1, 2]])
    expect(report).not.toHaveProperty('stoppedBy')
    expect(readdirSync(outbox.dir)).toEqual(['claimed'])
    expect(readdirSync(join(outbox.dir, 'claimed'))).toEqual([])
    expect((await outbox.flush(deliver)).entries).toEqual([])
    expect(sent).toHaveLength(4)
  })

  it('keeps only the chats still missing an entry, and stops there so later entries keep their order', async () => {
    const outbox = newOutbox()
    const first = await spoolText(outbox, 'first', T0, [1, 2, 3])
    await spoolText(outbox, 'second', T0 + 1)
    let down = true
    const {sent, deliver} = recorder((chatId) => (down && chatId === 2 ? NETWORK_DOWN : chatId === 3 ? BLOCKED : undefined))
    const report = await outbox.flush(deliver)
    expect(report).toEqual({
      entries: [
        {
          id: first.id,
          bot: 'alerts',
          delivered: [1],
          refused: [{chatId: 3, error: BLOCKED.message}],
          pending: [{chatId: 2, error: NETWORK_DOWN.message}],
        },
      ],
      stoppedBy: "Call to 'sendMessage' failed: connect ECONNREFUSED 127.0.0.1:9",
      waiting: 2,
      warnings: [],
    })
    const kept = JSON.parse(readFileSync(join(outbox.dir, `${first.id}.json`), 'utf8')) as OutboxEntry
    expect(kept).toMatchObject({chatIds: [2], attempts: 2, lastError: NETWORK_DOWN.message})
    down = false
    await outbox.flush(deliver)
    expect(sent).toEqual([
      {text: 'first', chatId: 1},
      {text: 'first', chatId: 2},
      {text: 'second', chatId: 1},
    ])
    expect((await outbox.list()).items).toEqual([])
  })

  it.each([
    ['a 429 longer than the client waits', SLOW_DOWN],
    ['a wrong token (401), fixed in config later', BAD_TOKEN],
  ])('keeps the entry after %s', async (_label, error) => {
    const outbox = newOutbox()
    await spoolText(outbox, 'x', T0)
    const report = await outbox.flush(recorder(() => error).deliver)
    expect(report.stoppedBy).toBe(error.message)
    expect((await outbox.list()).items.map((item) => item.entry.attempts)).toEqual([2])
  })

  it('drops an entry every chat refused for good', async () => {
    const outbox = newOutbox()
    await spoolText(outbox, 'x', T0, [1, 2])
    const report = await outbox.flush(recorder(() => BLOCKED).deliver)
    expect(report.entries[0]?.refused).toEqual([
      {chatId: 1, error: BLOCKED.message},
      {chatId: 2, error: BLOCKED.message},
    ])
    expect(report.waiting).toBe(0)
  })

  it('keeps an entry whose delivery threw, with the reason', async () => {
    const outbox = newOutbox()
    await spoolText(outbox, 'x', T0)
    const report = await outbox.flush(async () => {
      throw new TelegramNetworkError('sendMessage', 'timeout', 'request timed out after 30000 ms')
    })
    expect(report.stoppedBy).toBe("Call to 'sendMessage' failed: request timed out after 30000 ms")
    expect(report.waiting).toBe(1)
  })

  it('addresses a group upgraded on the way by its new id', async () => {
    const outbox = newOutbox()
    await spoolText(outbox, 'x', T0, [-100])
    await outbox.flush(async (entry) => [{chatId: entry.chatIds[0]!, ok: false, messageIds: [], migratedTo: -1009, error: NETWORK_DOWN}])
    expect((await outbox.list()).items[0]?.entry.chatIds).toEqual([-1009])
  })

  it('only touches the entries of the bot it was asked for', async () => {
    const outbox = newOutbox()
    await spoolText(outbox, 'for deploy', T0, [1], 'deploy')
    await spoolText(outbox, 'for alerts', T0 + 1, [1], 'alerts')
    const {sent, deliver} = recorder()
    const report = await outbox.flush(deliver, {bot: 'alerts'})
    expect(sent.map((item) => item.text)).toEqual(['for alerts'])
    expect(report.waiting).toBe(0)
    expect((await outbox.list()).items.map((item) => item.entry.bot)).toEqual(['deploy'])
  })

  it('sets an unreadable entry aside with a warning and goes on', async () => {
    const outbox = newOutbox()
    const bad = await spoolText(outbox, 'bad', T0)
    await spoolText(outbox, 'good', T0 + 1)
    const path = join(outbox.dir, `${bad.id}.json`)
    writeFileSync(path, '{"version":1,"id":')
    expect((await outbox.list()).warnings).toEqual([`outbox entry ${path} is unreadable (not JSON); the next flush sets it aside`])
    const {sent, deliver} = recorder()
    const report = await outbox.flush(deliver)
    const aside = join(outbox.dir, 'corrupt', `${bad.id}.json`)
    expect(report.warnings).toEqual([`outbox entry ${path} was unreadable; set aside as ${aside}`])
    expect(readFileSync(aside, 'utf8')).toBe('{"version":1,"id":')
    expect(sent.map((item) => item.text)).toEqual(['good'])
    expect(await outbox.list()).toEqual({items: [], warnings: []})
  })
})

describe('Outbox claims left behind', () => {
  async function claimedBy(outbox: FileOutbox, pid: number, claimedAt: number): Promise<OutboxEntry> {
    const entry = await spoolText(outbox, 'claimed', T0)
    mkdirSync(join(outbox.dir, 'claimed'), {recursive: true})
    renameSync(join(outbox.dir, `${entry.id}.json`), join(outbox.dir, 'claimed', `${entry.id}.${pid}.${claimedAt}.claim`))
    return entry
  }

  it('takes back a claim whose flush died, and delivers it', async () => {
    const outbox = newOutbox()
    const pid = await deadPid()
    const entry = await claimedBy(outbox, pid, T0)
    expect((await outbox.list()).items).toMatchObject([{entry: {id: entry.id}, claimedBy: pid}])
    const {sent, deliver} = recorder()
    const report = await outbox.flush(deliver)
    expect(report.warnings).toEqual([`outbox entry ${entry.id} was left claimed by pid ${pid}; it waits again`])
    expect(sent).toEqual([{text: 'claimed', chatId: 1}])
  })

  it('takes back a claim carrying our own pid that this process does not hold (a container reusing pids)', async () => {
    const outbox = newOutbox()
    await claimedBy(outbox, process.pid, T0)
    const {sent, deliver} = recorder()
    await outbox.flush(deliver)
    expect(sent).toHaveLength(1)
  })

  it('leaves a live flush its claim until the timeout', async () => {
    const holder = spawn('sleep', ['30'])
    try {
      let now = T0
      const outbox = new FileOutbox({dir: tempDir(), now: () => now, claimTimeoutMs: 60_000})
      await claimedBy(outbox, holder.pid!, T0)
      const {sent, deliver} = recorder()
      expect(await outbox.flush(deliver)).toEqual({entries: [], waiting: 1, warnings: []})
      now = T0 + 60_001
      await outbox.flush(deliver)
      expect(sent).toHaveLength(1)
    } finally {
      holder.kill()
    }
  })
})

