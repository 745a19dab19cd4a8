// `webhook serve` stopped with updates still queued: Telegram got its 200 for each and will not send them again, so
// what was not started within --drain-seconds is kept in the store and the next serve handles it, once.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {filesUnder} from '../helpers/files-under.js'
import {stoppedAtFirstLine} from '../helpers/stopped-at-first-line.js'
import {ANA, ANA_CHAT, BOB, BOB_CHAT, callsOf, expectNoToken, messageUpdate, REGISTRY, SECRET, useWorld, writeRegistry} from './fixture.js'
import {useServeProcesses} from './serve-process.js'

const world = useWorld()
const startServe = useServeProcesses()
const withSecret = {'X-Telegram-Bot-Api-Secret-Token': SECRET}
const env = {TELEGRAM_WEBHOOK_SECRET: SECRET}

/** The update each reply answered, from the text /help echoes back nothing of: the chat and the order suffice. */
const repliesTo = (chatId: number) => callsOf(world.api, 'sendMessage').filter((request) => request.params.chat_id === chatId)

describe('webhook serve stopped with updates queued', () => {
  it('keeps the updates not started within --drain-seconds; the next serve handles each once, before new ones', async () => {
    writeRegistry(world.cli, REGISTRY)
    const made = await world.run(['webhook', 'link-token', '--bot', 'alerts', '--channels', 'alerts', '--json'])
    const {token} = JSON.parse(made.stdout) as {token: string}
    // Ana's first reply hangs: her next two updates wait behind it in her chat's lane.
    world.api.failNext({method: 'sendMessage', kind: {hang: true}})
    const first = await startServe(world.cli, ['--drain-seconds', '0'], env)
    for (const [updateId, text] of [[1, '/help'], [2, '/help'], [3, `/link ${token}`]] as const) {
      expect(await first.post(1, messageUpdate(updateId, ANA_CHAT, ANA, text), withSecret)).toEqual({status: 200, text: ''})
    }
    await waitFor(() => repliesTo(ANA_CHAT.id).length === 1)
    const stopped = await first.stop()
    expect(stopped.exitCode).toBe(0)
    expect(stopped.stdout.split('\n').slice(-3)).toEqual([
      'kept 2 updates not handled within --drain-seconds: the next webhook serve handles them',
      'stopped after 3 updates',
      '',
    ])
    expect(stopped.stderr).toBe('webhook: stopped while handling update 1: what it was replying may not have gone out\n')
    expectNoToken(stopped.stdout, stopped.stderr)
    // Kept without the link token: only its sha256 is ever stored.
    const stored = filesUnder(world.cli.stateDir).map((path) => readFileSync(join(world.cli.stateDir, path), 'utf8')).join('\n')
    expect(stored).toContain('(token not kept)')
    expect(stored).not.toContain(token)
    // An operator sees them waiting in `webhook info`, as the store holds them.
    const info = await world.run(['webhook', 'info', '--bot', 'alerts'], env)
    expect(info.stdout.split('\n').at(-1)).toMatch(
      /^ {2}kept updates {6}2 since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: answered by a serve that stopped before handling them; the next serve of this bot does$/,
    )

    const second = await startServe(world.cli, [], env)
    expect(second.stdout()).toContain('handling 2 updates kept at the last stop\nlistening on ')
    expect(await second.post(1, messageUpdate(4, ANA_CHAT, ANA, '/help'), withSecret)).toEqual({status: 200, text: ''})
    expect(await second.post(1, messageUpdate(5, BOB_CHAT, BOB, '/help'), withSecret)).toEqual({status: 200, text: ''})
    await second.waitForLine(/^alerts: \/help in chat 5151: replied$/)
    await second.waitForLine(/^alerts: \/\w+ in chat 4242: replied$/, 'stdout', 3)
    const handled = await second.stop()
    expect(handled.stdout.split('\n').filter((line) => line.startsWith('alerts:'))).toHaveLength(4)
    // 1 hung, 2 and 3 kept and handled, then 4: Ana's chat got one reply per update, the kept ones before the new one.
    expect(repliesTo(ANA_CHAT.id)).toHaveLength(4)
    expect(repliesTo(BOB_CHAT.id)).toHaveLength(1)
    const none = await world.run(['webhook', 'info', '--bot', 'alerts', '--json'], env)
    expect(JSON.parse(none.stdout)).toMatchObject({bots: [{bot: 'alerts', webhookId: 1, kept: {updates: 0}}]})
    expect(String(repliesTo(ANA_CHAT.id)[2]!.params.text)).toBe(
      'Your /link arrived while this bot was restarting, and its token is never stored: please send it again (it was not used).',
    )

    // Nothing is kept twice: a third serve finds nothing to handle.
    const third = await startServe(world.cli, ['--json'], env)
    expect(JSON.parse(third.stdout().split('\n')[0]!)).toMatchObject({event: 'started', keptAtStart: 0})
    // The token was not spent: sent again, it links the chat.
    expect(await third.post(1, messageUpdate(6, ANA_CHAT, ANA, `/link ${token}`), withSecret)).toEqual({status: 200, text: ''})
    await third.waitForLine(/"event":"update"/)
    expect(String(repliesTo(ANA_CHAT.id).at(-1)!.params.text)).toMatch(/^Linked: this chat now receives alerts\./)
    const last = await third.stop()
    expect(JSON.parse(last.stdout.trim().split('\n').at(-1)!)).toMatchObject({event: 'stopped', updates: 1, kept: 0})
    expect(repliesTo(ANA_CHAT.id)).toHaveLength(5)
  })

  it('a rolling deploy: the serve already running takes what the stopping one kept, without a restart', async () => {
    writeRegistry(world.cli, REGISTRY)
    const watching = {...env, FASTPAY_TG_KEPT_UPDATES_POLL_MS: '20'}
    const newer = await startServe(world.cli, [], watching)
    world.api.failNext({method: 'sendMessage', kind: {hang: true}})
    const older = await startServe(world.cli, ['--drain-seconds', '0'], watching)
    for (const updateId of [1, 2, 3]) {
      expect(await older.post(1, messageUpdate(updateId, ANA_CHAT, ANA, '/help'), withSecret)).toEqual({status: 200, text: ''})
    }
    await waitFor(() => repliesTo(ANA_CHAT.id).length === 1)
    expect((await older.stop()).stdout).toContain('kept 2 updates not handled within --drain-seconds')
    await newer.waitForLine(/^alerts: \/help in chat 4242: replied$/, 'stdout', 2)
    expect(repliesTo(ANA_CHAT.id)).toHaveLength(3)
    // Taken once: a serve started now finds nothing.
    const next = await startServe(world.cli, [], env)
    expect(next.stdout()).not.toContain('kept at the last stop')
    expect(repliesTo(ANA_CHAT.id)).toHaveLength(3)
  })

  it('SIGTERM the moment serve prints its first line stops it cleanly, exit 0, as it does once listening', async () => {
    writeRegistry(world.cli, REGISTRY)
    // Before, the signal handlers came after "listening on": a signal in between ended serve by the default action.
    for (let run = 0; run < 3; run++) {
      const stopped = await stoppedAtFirstLine(world.cli, ['webhook', 'serve', '--port', '0'], env)
      expect([stopped.exitCode, stopped.signal, stopped.stderr]).toEqual([0, null, ''])
      expect(stopped.stdout.split('\n').slice(-3)).toEqual(['SIGTERM: finishing queued updates', 'stopped after 0 updates', ''])
    }
  })

  it('--drain-seconds must be a whole number of seconds, 0 or more: one line, exit 2', async () => {
    writeRegistry(world.cli, REGISTRY)
    for (const value of ['soon', '-1', '1.5']) {
      const result = await world.run(['webhook', 'serve', '--port', '0', '--drain-seconds', value], env)
      expect([value, result.exitCode, result.stderr.trim().split('\n').length]).toEqual([value, 2, 1])
      expect(result.stderr).toContain('--drain-seconds')
    }
  })
})

/** Polls the fake Bot API's record (no fixed sleep: each turn waits for the next event-loop round). */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 5_000 && !condition(); turn++) await new Promise((resolve) => setTimeout(resolve, 5))
  expect(condition()).toBe(true)
}
