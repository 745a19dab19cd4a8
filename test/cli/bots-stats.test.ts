// Usage stats per bot and door (issue 16, item 6): counted where every door opens its bots, kept in the state dir as
// appended lines, shown by bots list and bots stats, reset by bots stats --reset. Never a token in the file.
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it, vi} from 'vitest'

import {ALERTS_BOT, DEPLOY_BOT, jsonOf, ON_CALL, OPS_FORUM, TWO_BOTS, useCliWorld, writeRegistry} from './fixture.js'

// Each test spawns several CLI processes; on a loaded machine they need more than the default 30 s (not a timing assertion).
vi.setConfig({testTimeout: 120_000})

const world = useCliWorld()
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
/** A time as the tables print it, for comparing lines whatever the clock said. */
const T = 'YYYY-MM-DDThh:mm:ssZ'
const statsFile = () => join(world.cli.stateDir, 'bot-usage.jsonl')

/** Refused with the token in Telegram's own words: what is kept is masked as everywhere (never the secret half). */
const refusal = {status: 403 as const, description: `Forbidden: bot ${ALERTS_BOT.token} was blocked by the user`}
const REDACTED_ERROR = "Call to 'sendMessage' failed (403: Forbidden: bot 7012345678:AA…1U was blocked by the user): the bot was removed from the chat or blocked"

describe('usage stats', () => {
  it('send twice and a failing send: counts per bot and door in bots stats and bots list, no token in the file', async () => {
    writeRegistry(world.cli, TWO_BOTS)
    expect((await world.run(['send', '--bot', 'alerts', 'first'])).exitCode).toBe(0)
    expect((await world.run(['send', '--bot', 'alerts', '--chat', String(ON_CALL.id), 'second'])).exitCode).toBe(0)
    world.api.failNext({method: 'sendMessage', kind: refusal})
    const failed = await world.run(['send', '--bot', 'alerts', '--chat', String(ON_CALL.id), 'third'])
    expect(failed.exitCode).toBe(1)
    expect((await world.run(['bots', 'test', 'deploy'])).exitCode).toBe(0)

    const stats = await world.run(['bots', 'stats', '--json'])
    expect(stats.stderr).toBe('')
    const alertsSend = {sent: 3, failed: 1, lastSentAt: ISO, lastError: {at: ISO, message: REDACTED_ERROR}}
    expect(jsonOf(stats)).toEqual({
      file: statsFile(),
      bots: [
        {bot: 'alerts', ...alertsSend, doors: {send: alertsSend}},
        {bot: 'deploy', sent: 1, failed: 0, lastSentAt: ISO, doors: {test: {sent: 1, failed: 0, lastSentAt: ISO}}},
      ],
    })
    const text = readFileSync(statsFile(), 'utf8')
    expect(text).not.toContain(ALERTS_BOT.token)
    expect(text).not.toContain(ALERTS_BOT.token.split(':')[1])
    // One line per run that sent something: no per-message writes.
    expect(text.trim().split('\n')).toHaveLength(4)

    const table = await world.run(['bots', 'stats'])
    expect(table.stdout.split('\n').map((line) => line.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, T))).toEqual([
      'BOT     DOOR  SENT  FAILED  LAST SENT             LAST ERROR',
      `alerts  send  3     1       ${T}  ${T} ${REDACTED_ERROR}`,
      `deploy  test  1     0       ${T}  -`,
    ])

    const listed = await world.run(['bots', 'list'])
    expect(listed.stdout.split('\n').map((line) => line.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, T))).toEqual([
      '  NAME    ID  STATE   TOKEN             CHATS                BOT  TOKEN SOURCE                                              SENT  FAILED  LAST SENT',
      `* alerts  1   active  7012345678:AA…1U  ${OPS_FORUM.id},4242       registry ~/config/fastpay-tg/config.yml bots[0] (alerts)  3     1       ${T}`,
      `  deploy  2   active  6098765432:AA…y8  4242                      registry ~/config/fastpay-tg/config.yml bots[1] (deploy)  1     0       ${T}`,
    ])
    const listedJson = jsonOf(await world.run(['bots', 'list', '--json'])) as {bots: Array<{name: string; usage: unknown}>}
    expect(listedJson.bots.map((bot) => [bot.name, bot.usage])).toEqual([
      ['alerts', {...alertsSend, doors: {send: alertsSend}}],
      ['deploy', {sent: 1, failed: 0, lastSentAt: ISO, doors: {test: {sent: 1, failed: 0, lastSentAt: ISO}}}],
    ])
  })

  it('each door counts under its own name; a rename carries the counts, a removal drops them', async () => {
    writeRegistry(world.cli, TWO_BOTS)
    const alerted = await world.run(['alert', 'disk full', '--channel', 'deploy'])
    expect(alerted.exitCode, alerted.stderr).toBe(0)
    await world.run(['send', '--bot', 'deploy', 'hello'])
    expect((await world.run(['bots', 'update', 'deploy', '--rename', 'releases'])).exitCode).toBe(0)
    const renamed = jsonOf(await world.run(['bots', 'stats', 'RELEASES', '--json'])) as {bots: Array<{bot: string; sent: number; doors: Record<string, {sent: number}>}>}
    expect(renamed.bots.map((bot) => [bot.bot, bot.sent, Object.fromEntries(Object.entries(bot.doors).map(([door, counts]) => [door, counts.sent]))])).toEqual([
      ['releases', 2, {alert: 1, send: 1}],
    ])
    expect((await world.run(['bots', 'remove', 'releases', '--yes'])).exitCode).toBe(0)
    expect(await world.run(['bots', 'stats'])).toEqual({stdout: 'No messages counted yet.', stderr: '', exitCode: 0})
  })

  it('bots stats --reset forgets every bot, or one; FASTPAY_TG_STATS=off counts nothing', async () => {
    writeRegistry(world.cli, TWO_BOTS)
    await Promise.all([world.run(['send', '--bot', 'alerts', 'a']), world.run(['send', '--bot', 'deploy', 'd'])])
    expect(await world.run(['bots', 'stats', '--reset', 'alerts'])).toEqual({stdout: 'usage stats reset for alerts', stderr: '', exitCode: 0})
    const left = jsonOf(await world.run(['bots', 'stats', '--json'])) as {bots: Array<{bot: string}>}
    expect(left.bots.map((bot) => bot.bot)).toEqual(['deploy'])
    expect(await world.run(['bots', 'stats', '--reset'])).toEqual({stdout: 'usage stats reset for every bot', stderr: '', exitCode: 0})
    expect(existsSync(statsFile())).toBe(false)
    expect(await world.run(['bots', 'stats'])).toEqual({stdout: 'No messages counted yet.', stderr: '', exitCode: 0})

    await world.run(['send', '--bot', 'deploy', 'not counted'], {env: {FASTPAY_TG_STATS: 'off'}})
    expect(existsSync(statsFile())).toBe(false)
    // FASTPAY_TG_STATE_DIR moves the file with the rest of the state.
    const elsewhere = join(world.cli.env.HOME!, 'elsewhere')
    await world.run(['send', '--token', DEPLOY_BOT.token, '--chat', String(ON_CALL.id), 'counted elsewhere'], {env: {FASTPAY_TG_STATE_DIR: elsewhere}})
    expect(readFileSync(join(elsewhere, 'bot-usage.jsonl'), 'utf8')).toMatch(/^\{"bot":"flag --token","door":"send","sent":1,"failed":0,"lastSentAt":"[^"]+"\}\n$/)
  })

  it('deploy, digest and monitor count under their own doors too', async () => {
    writeRegistry(world.cli, TWO_BOTS)
    const monitors = join(world.cli.env.HOME!, 'monitors.yml')
    writeFileSync(monitors, 'checks:\n  - {name: api, type: tcp, host: 127.0.0.1, port: 9, failure-threshold: 1, channel: alerts}\n')
    const deployed = await world.run(['deploy', '--status', 'started', '--repository', 'fastpay/api', '--environment', 'production'])
    expect(deployed.exitCode, deployed.stderr).toBe(0)
    const digested = await world.run(['digest', '--since', '24h'])
    expect(digested.exitCode, digested.stderr).toBe(0)
    const monitored = await world.run(['monitor', 'run', '--file', monitors])
    expect(monitored.stderr).not.toContain('Error')
    const usage = jsonOf(await world.run(['bots', 'stats', '--json'])) as {bots: Array<{bot: string; doors: Record<string, {sent: number}>}>}
    expect(usage.bots.map((bot) => [bot.bot, Object.fromEntries(Object.entries(bot.doors).map(([door, counts]) => [door, counts.sent]))])).toEqual([
      ['alerts', {digest: 2, monitor: 2}],
      ['deploy', {deploy: 1}],
    ])
  })
})
