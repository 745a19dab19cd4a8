// The digest throttle through the built CLI: a second digest of the same channel and --since within the window is
// suppressed (one line, exit 0), counted at the fake Bot API; --force sends anyway; bad windows are usage errors.
import {randomBytes} from 'node:crypto'
import {describe, expect, it} from 'vitest'

import {createCliSandbox} from '../helpers/run-cli.js'
import {useRedisForTests} from '../store/redis-server.js'
import {callsOf, expectUsageError, HEALTH_BOT, jsonOf, ON_CALL, useCliWorld} from '../cli/fixture.js'

const world = useCliWorld()
// No registry and no history: the digest of an empty period is still a digest, sent by the health bot.
const asHealth = {TELEGRAM_BOT_CONFIGS: JSON.stringify([{name: 'health', token: HEALTH_BOT.token, chat_ids: [ON_CALL.id]}])}
const SUPPRESSED = /^suppressed: a digest with key "digest:health:24h" went out within the last 60 s; the next can go at \d{4}-\d\d-\d\dT[\d:.]+Z \(--force sends anyway\)$/

describe('digest throttle', () => {
  it('two runs in a row send one digest (the channel in any case); the second says so in one line and exits 0', async () => {
    const first = await world.run(['digest', '--since', '24h'], {env: asHealth})
    expect([first.exitCode, first.stderr, first.stdout]).toEqual([0, '', `digest sent to ${ON_CALL.id}: message 1`])
    // Bot names are case-insensitive: HEALTH is the health channel, and its window.
    const second = await world.run(['digest', '--since', '24h', '--channel', 'HEALTH'], {env: asHealth})
    expect([second.exitCode, second.stderr]).toEqual([0, ''])
    expect(second.stdout).toMatch(SUPPRESSED)
    const third = await world.run(['digest', '--since', '24h', '--json'], {env: asHealth})
    expect(third.exitCode).toBe(0)
    expect(jsonOf(third)).toMatchObject({bot: 'health', suppressed: {key: 'digest:health:24h', count: 2, nextAt: expect.any(String)}})
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(1)
  })

  it('--force sends anyway; another --since is another key; --throttle-seconds 0 turns it off', async () => {
    await world.run(['digest', '--since', '24h'], {env: asHealth})
    const forced = await world.run(['digest', '--since', '24h', '--force'], {env: asHealth})
    expect([forced.exitCode, forced.stderr, forced.stdout]).toEqual([0, '', `digest sent to ${ON_CALL.id}: message 2`])
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(2)
    const weekly = await world.run(['digest', '--since', '7d'], {env: asHealth})
    expect(weekly.stdout).toBe(`digest sent to ${ON_CALL.id}: message 3`)
    const off = await world.run(['digest', '--since', '24h', '--throttle-seconds', '0'], {env: asHealth})
    expect(off.stdout).toBe(`digest sent to ${ON_CALL.id}: message 4`)
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(4)
  })

  it('a window from TELEGRAM_ALERT_THROTTLE_SECONDS; a bad window is one line, exit 2, nothing sent', async () => {
    const env = {...asHealth, TELEGRAM_ALERT_THROTTLE_SECONDS: '3600'}
    await world.run(['digest'], {env})
    const second = await world.run(['digest'], {env})
    expect(second.stdout).toMatch(/^suppressed: a digest with key "digest:health:24h" went out within the last 3600 s; /)
    expectUsageError(
      await world.run(['digest', '--throttle-seconds', '-5'], {env: asHealth}),
      'Error: Parsing --throttle-seconds: Expected an integer greater than or equal to 0 but received: -5',
    )
    expectUsageError(
      await world.run(['digest', '--throttle-seconds', 'soon'], {env: asHealth}),
      'Error: Parsing --throttle-seconds: Expected an integer but received: soon',
    )
    expectUsageError(
      await world.run(['digest'], {env: {...asHealth, TELEGRAM_ALERT_THROTTLE_SECONDS: '1h'}}),
      'Error: TELEGRAM_ALERT_THROTTLE_SECONDS: expected a whole number of seconds, got "1h"',
    )
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(1)
  })
})

describe('digest throttle with FASTPAY_TG_STORE=redis://', () => {
  const redis = useRedisForTests()

  it('two hosts (separate state dirs) send one digest', async (context) => {
    const available = redis.current()
    if (!available.redis) return context.skip(available.skip)
    const otherHost = createCliSandbox(world.api.url)
    try {
      // A channel of its own, so a Redis shared with other runs holds no window for its key.
      const channel = `digest-${randomBytes(4).toString('hex')}`
      const env = {
        TELEGRAM_BOT_CONFIGS: JSON.stringify([{name: channel, token: HEALTH_BOT.token, chat_ids: [ON_CALL.id]}]),
        FASTPAY_TG_STORE: available.redis.url,
      }
      const first = await world.run(['digest', '--channel', channel], {env})
      const second = await otherHost.run(['digest', '--channel', channel], {env})
      expect([first.exitCode, first.stderr, first.stdout]).toEqual([0, '', `digest sent to ${ON_CALL.id}: message 1`])
      expect([second.exitCode, second.stderr]).toEqual([0, ''])
      expect(second.stdout).toMatch(new RegExp(`^suppressed: a digest with key "digest:${channel}:24h" went out`))
      expect(callsOf(world.api, 'sendMessage')).toHaveLength(1)
    } finally {
      otherHost.cleanup()
    }
  })
})
