// An alert Telegram cannot take now is kept, not lost: spooled to the outbox (exit 75), listed by `alert outbox`,
// delivered exactly once by `alert flush` or the next alert. And a 429 storm delivers once, doubling nothing.
import {readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {ALERTS_BOT, callsOf, closedApiRoot, DEPLOY_BOT, HEALTH_BOT, jsonOf, ON_CALL, OPS_FORUM, useCliWorld, writeRegistry} from './fixture.js'

const world = useCliWorld()
const REGISTRY = `bots:\n  - name: alerts\n    id: 1\n    token: ${ALERTS_BOT.token}\n    chat_ids: [${OPS_FORUM.id}, ${ON_CALL.id}]\n`
const ENTRY_ID = /^\d{15}-\d+-[0-9a-f]{8}$/

/** What the fake server accepted, as [chat, text] pairs in order. */
function delivered(): Array<[unknown, unknown]> {
  return callsOf(world.api, 'sendMessage').filter((request) => request.status === 200).map((request) => [request.params.chat_id, request.params.text])
}

const outboxFiles = () => readdirSync(join(world.cli.stateDir, 'outbox')).filter((name) => name.endsWith('.json'))

describe('Telegram unreachable', () => {
  it('spools (exit 75); alert outbox lists it; alert flush delivers it once; a second flush delivers nothing', async () => {
    writeRegistry(world.cli, REGISTRY)
    const down = {TELEGRAM_API_BASE_URL: await closedApiRoot()}
    const spooled = await world.run(['alert', 'Payments API down', '--no-host', '--field', 'region=eu-1', '--json'], {env: down})
    expect(spooled.exitCode).toBe(75)
    expect(spooled.stderr).toBe('')
    const result = jsonOf(spooled) as {text: string; spooled: {id: string; chatIds: number[]; reason: string; error: string}}
    expect(result).toMatchObject({status: 'spooled', exitCode: 75, bot: 'alerts', throttleKey: 'alerts:Payments API down'})
    expect(result.spooled).toEqual({
      id: expect.stringMatching(ENTRY_ID),
      chatIds: [OPS_FORUM.id, ON_CALL.id],
      reason: 'unreachable',
      error: expect.stringMatching(/^Call to 'sendMessage' failed: connect ECONNREFUSED 127\.0\.0\.2:\d+$/),
    })
    const {id, error} = result.spooled
    expect(result.text).toMatch(/^❌ <b>Payments API down<\/b>\n<b>region<\/b>: eu-1\n\n<i>\S+Z<\/i>$/)

    const listed = await world.run(['alert', 'outbox'])
    expect(listed).toEqual({
      stdout: `${id}  bot alerts  chats ${OPS_FORUM.id},${ON_CALL.id}  attempts 1  ❌ Payments API down\n    last error: ${error}`,
      stderr: '',
      exitCode: 0,
    })
    // A dry run sees the waiting alert and leaves it waiting.
    const dryRun = await world.run(['alert', 'Another', '--no-host', '--dry-run'])
    expect(dryRun.stdout.split('\n').slice(-2)).toEqual(['outbox: 1 alert(s) waiting, delivered first', '(dry run: nothing sent)'])
    expect(world.api.requests).toEqual([])

    const flushed = await world.run(['alert', 'flush'])
    expect(flushed).toEqual({stdout: `delivered ${id} (bot alerts) to ${OPS_FORUM.id}, ${ON_CALL.id}\noutbox empty`, stderr: '', exitCode: 0})
    expect(delivered()).toEqual([
      [OPS_FORUM.id, result.text],
      [ON_CALL.id, result.text],
    ])
    expect(outboxFiles()).toEqual([])

    const again = await world.run(['alert', 'flush'])
    expect(again).toEqual({stdout: 'outbox empty', stderr: '', exitCode: 0})
    expect(await world.run(['alert', 'outbox'])).toEqual({stdout: 'outbox empty', stderr: '', exitCode: 0})
    expect(world.api.requests).toHaveLength(2)
  })

  it('a second alert queues behind the first without trying; the next alert that gets through delivers both first, oldest first', async () => {
    writeRegistry(world.cli, REGISTRY)
    const down = {TELEGRAM_API_BASE_URL: await closedApiRoot()}
    const first = await world.run(['alert', 'one', '--no-host', '--json'], {env: down})
    const second = await world.run(['alert', 'two', '--no-host', '--json'], {env: down})
    expect([first.exitCode, second.exitCode]).toEqual([75, 75])
    expect(jsonOf(second)).toMatchObject({status: 'spooled', spooled: {reason: 'behind-outbox'}})
    const [oneId, twoId] = [first, second].map((run) => (jsonOf(run) as {spooled: {id: string}}).spooled.id)
    expect(outboxFiles().sort()).toEqual([`${oneId}.json`, `${twoId}.json`])

    const third = await world.run(['alert', 'three', '--no-host'])
    expect(third).toEqual({
      stdout: [
        `delivered from the outbox: ${oneId}`,
        `delivered from the outbox: ${twoId}`,
        `sent to ${OPS_FORUM.id}: message 3`,
        `sent to ${ON_CALL.id}: message 3`,
      ].join('\n'),
      stderr: '',
      exitCode: 0,
    })
    const titles = delivered().map(([chat, text]) => [chat, (text as string).split('\n')[0]])
    expect(titles).toEqual([
      [OPS_FORUM.id, '❌ <b>one</b>'],
      [ON_CALL.id, '❌ <b>one</b>'],
      [OPS_FORUM.id, '❌ <b>two</b>'],
      [ON_CALL.id, '❌ <b>two</b>'],
      [OPS_FORUM.id, '❌ <b>three</b>'],
      [ON_CALL.id, '❌ <b>three</b>'],
    ])
    expect(await world.run(['alert', 'flush'])).toEqual({stdout: 'outbox empty', stderr: '', exitCode: 0})
    expect(delivered()).toHaveLength(6)
  })

  it('alert flush while Telegram is still down: the alert keeps waiting, exit 75', async () => {
    writeRegistry(world.cli, REGISTRY)
    const down = {TELEGRAM_API_BASE_URL: await closedApiRoot()}
    expect((await world.run(['alert', 'one', '--no-host'], {env: down})).exitCode).toBe(75)
    const flush = await world.run(['alert', 'flush'], {env: down})
    expect(flush.exitCode).toBe(75)
    expect(flush.stdout).toBe('1 alert(s) still waiting')
    expect(flush.stderr).toMatch(/^Warning: bot alerts: Call to 'sendMessage' failed: connect ECONNREFUSED 127\.0\.0\.2:\d+$/)
    expect(outboxFiles()).toHaveLength(1)
    expect((await world.run(['alert', 'outbox'])).stdout).toMatch(/ attempts 2 /)
  })
})

describe('the bot that delivers a spooled alert', () => {
  it('an alert spooled by a --token bot waits for that token: the default bot never delivers it instead', async () => {
    writeRegistry(world.cli, `bots:\n  - name: deploy\n    token: ${DEPLOY_BOT.token}\n    chat_ids: [${OPS_FORUM.id}]\n`)
    const down = {TELEGRAM_API_BASE_URL: await closedApiRoot()}
    const spooled = await world.run(['alert', 'Disk full', '--no-host', '--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id), '--json'], {env: down})
    expect(spooled.exitCode).toBe(75)
    const {id} = (jsonOf(spooled) as {spooled: {id: string}}).spooled

    const withoutToken = await world.run(['alert', 'flush'])
    const needsToken = "Warning: bot flag --token (bot 7012345678): its alerts go out only with its own token: pass bot 7012345678's token with --token"
    expect(withoutToken).toEqual({stdout: '1 alert(s) still waiting', stderr: needsToken, exitCode: 75})
    const otherToken = await world.run(['alert', 'flush'], {env: {TELEGRAM_BOT_TOKEN: HEALTH_BOT.token}})
    expect(otherToken).toEqual({stdout: '1 alert(s) still waiting', stderr: needsToken, exitCode: 75})
    // Another --token bot's alert does not flush it either: it is not that bot's.
    const other = await world.run(['alert', 'Other', '--no-host', '--token', HEALTH_BOT.token, '--chat', String(ON_CALL.id)])
    expect(other).toEqual({stdout: `sent to ${ON_CALL.id}: message 1`, stderr: '', exitCode: 0})
    expect(callsOf(world.api, 'sendMessage').map((request) => request.token)).toEqual([HEALTH_BOT.token])

    const flushed = await world.run(['alert', 'flush', '--token', ALERTS_BOT.token])
    expect(flushed).toEqual({stdout: `delivered ${id} (bot flag --token (bot 7012345678)) to ${ON_CALL.id}\noutbox empty`, stderr: '', exitCode: 0})
    expect(callsOf(world.api, 'sendMessage').map((request) => request.token)).toEqual([HEALTH_BOT.token, ALERTS_BOT.token])
  })

  it("a named bot's alert goes out with that bot's own token, whatever --token a flush or a monitor pass was given", async () => {
    writeRegistry(world.cli, REGISTRY)
    const down = {TELEGRAM_API_BASE_URL: await closedApiRoot()}
    const monitors = join(world.cli.env.HOME!, 'monitors.yml')
    writeFileSync(monitors, 'checks: []\n')
    const flushes = [['alert', 'flush', '--token', HEALTH_BOT.token], ['monitor', 'run', '--file', monitors, '--token', HEALTH_BOT.token]]
    for (const flush of flushes) {
      expect((await world.run(['alert', flush[0]!, '--no-host', '--bot', 'alerts'], {env: down})).exitCode).toBe(75)
      expect((await world.run(flush)).exitCode).toBe(0)
    }
    // Each alert to both of the bot's chats, through its own token: the health bot, in neither chat, sent nothing.
    expect(callsOf(world.api, 'sendMessage').map((request) => request.token)).toEqual(Array(4).fill(ALERTS_BOT.token))
  })

  it('an alert spooled by the TELEGRAM_BOT_TOKEN bot is delivered by alert flush with that variable set', async () => {
    const env = {TELEGRAM_BOT_TOKEN: ALERTS_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id)}
    const spooled = await world.run(['alert', 'Disk full', '--no-host'], {env: {...env, TELEGRAM_API_BASE_URL: await closedApiRoot()}})
    expect(spooled.exitCode).toBe(75)
    const flushed = await world.run(['alert', 'flush'], {env})
    expect(flushed.stdout).toMatch(/^delivered \S+ \(bot env TELEGRAM_BOT_TOKEN \(bot 7012345678\)\) to 4242\noutbox empty$/)
    expect(callsOf(world.api, 'sendMessage').map((request) => [request.token, request.params.chat_id])).toEqual([[ALERTS_BOT.token, ON_CALL.id]])
  })

  it('TELEGRAM_BOT_TOKEN in quotes (docker run --env-file): its spooled alert is delivered by alert flush too', async () => {
    const env = {TELEGRAM_BOT_TOKEN: `"${ALERTS_BOT.token}"`, TELEGRAM_CHAT_IDS: String(ON_CALL.id)}
    const spooled = await world.run(['alert', 'Disk full', '--no-host'], {env: {...env, TELEGRAM_API_BASE_URL: await closedApiRoot()}})
    expect(spooled.exitCode).toBe(75)
    const flushed = await world.run(['alert', 'flush'], {env})
    expect([flushed.stdout, flushed.stderr, flushed.exitCode]).toEqual([expect.stringMatching(/^delivered \S+ .*\noutbox empty$/), '', 0])
    expect(callsOf(world.api, 'sendMessage').map((request) => [request.token, request.params.chat_id])).toEqual([[ALERTS_BOT.token, ON_CALL.id]])
  })
})

describe('a 429 storm', () => {
  it('retry_after within the bound: waited out, each chat gets the alert exactly once', async () => {
    writeRegistry(world.cli, REGISTRY)
    world.api.failNext({method: 'sendMessage', times: 3, kind: {status: 429, retryAfter: 1}})
    const result = await world.run(['alert', 'Refund queue stuck', '--no-host'])
    expect(result).toEqual({stdout: `sent to ${OPS_FORUM.id}: message 1\nsent to ${ON_CALL.id}: message 1`, stderr: '', exitCode: 0})
    const attempts = callsOf(world.api, 'sendMessage').map((request) => request.status)
    expect(attempts.filter((status) => status === 429)).toHaveLength(3)
    expect(attempts.filter((status) => status === 200)).toHaveLength(2)
    expect(world.api.messages(OPS_FORUM.id)).toHaveLength(1)
    expect(world.api.messages(ON_CALL.id)).toHaveLength(1)
    expect(outboxFiles()).toEqual([])
  })

  it('retry_after beyond the bound: spooled for the chats that got 429 only, flushed later exactly once', async () => {
    writeRegistry(world.cli, REGISTRY)
    world.api.failNext({method: 'sendMessage', kind: {status: 429, retryAfter: 3600}})
    const spooled = await world.run(['alert', 'Refund queue stuck', '--no-host', '--json'])
    expect(spooled.exitCode).toBe(75)
    const result = jsonOf(spooled) as {text: string; spooled: {id: string; chatIds: number[]}}
    const limitedChat = result.spooled.chatIds[0]
    expect(result.spooled).toEqual({
      id: expect.stringMatching(ENTRY_ID),
      chatIds: [limitedChat],
      reason: 'unreachable',
      error: "Call to 'sendMessage' failed (429: Too Many Requests: retry after 3600): Telegram asks this bot to wait 3600 s before sending again",
    })
    const otherChat = limitedChat === OPS_FORUM.id ? ON_CALL.id : OPS_FORUM.id
    expect(delivered()).toEqual([[otherChat, result.text]])

    // The wait is kept (test/cli/flood-wait.test.ts): a flush within it leaves the entry waiting; one after delivers it.
    const early = await world.run(['alert', 'flush'])
    expect(early).toEqual({stdout: '1 alert(s) still waiting', stderr: expect.stringMatching(/^Warning: bot alerts: .* wait until .* UTC$/), exitCode: 75})
    const afterWait = {env: {FASTPAY_TG_FLOOD_WAIT_AHEAD_MS: '3601000'}}
    const flushed = await world.run(['alert', 'flush'], afterWait)
    expect(flushed).toEqual({stdout: `delivered ${result.spooled.id} (bot alerts) to ${limitedChat}\noutbox empty`, stderr: '', exitCode: 0})
    expect(await world.run(['alert', 'flush'], afterWait)).toEqual({stdout: 'outbox empty', stderr: '', exitCode: 0})
    expect(delivered()).toEqual([
      [otherChat, result.text],
      [limitedChat, result.text],
    ])
    expect(world.api.messages(OPS_FORUM.id)).toHaveLength(1)
    expect(world.api.messages(ON_CALL.id)).toHaveLength(1)
  })
})
