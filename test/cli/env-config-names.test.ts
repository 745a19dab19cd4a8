// TELEGRAM_BOT_CONFIGS from an old backend may hold two entries whose names differ only in case: the name they share
// is ambiguous (names ignore case), every other entry of the list still works.
import {describe, expect, it, vi} from 'vitest'

import {ALERTS_BOT, callsOf, DEPLOY_BOT, envConfigs, expectUsageError, HEALTH_BOT, jsonOf, ON_CALL, OPS_FORUM, useCliWorld} from './fixture.js'

vi.setConfig({testTimeout: 180_000})

const world = useCliWorld()

const env = {
  TELEGRAM_BOT_CONFIGS: envConfigs(
    {name: 'alerts', token: ALERTS_BOT.token, chat_ids: [OPS_FORUM.id]},
    {name: 'ALERTS', token: HEALTH_BOT.token, chat_ids: [OPS_FORUM.id]},
    {name: 'deploy', token: DEPLOY_BOT.token, chat_ids: [ON_CALL.id]},
  ),
}
const WARNING = 'Warning: TELEGRAM_BOT_CONFIGS[1].name: duplicate name "ALERTS" (also TELEGRAM_BOT_CONFIGS[0]; names ignore case): that name is refused, the other entries work'
const AMBIGUOUS = 'Error: TELEGRAM_BOT_CONFIGS[1].name: duplicate name "ALERTS" (also TELEGRAM_BOT_CONFIGS[0]; names ignore case)'

describe('two TELEGRAM_BOT_CONFIGS entries whose names differ only in case', () => {
  it('another bot of the list works, with one warning line', async () => {
    const [shown, sent] = await Promise.all([
      world.run(['config', 'show', '--bot', 'deploy', '--json'], {env}),
      world.run(['send', '--bot', 'deploy', 'hi'], {env}),
    ])
    expect({exitCode: shown.exitCode, stderr: shown.stderr}).toEqual({exitCode: 0, stderr: WARNING})
    expect((jsonOf(shown) as {bot: {name: string}}).bot.name).toBe('deploy')
    expect({exitCode: sent.exitCode, stderr: sent.stderr}).toEqual({exitCode: 0, stderr: WARNING})
    expect(callsOf(world.api, 'sendMessage').map((request) => [request.token, request.params.chat_id])).toEqual([[DEPLOY_BOT.token, ON_CALL.id]])
  })

  it('the shared name, in either case, is one line naming both entries, exit 2, nothing sent', async () => {
    const results = await Promise.all([
      world.run(['send', '--bot', 'alerts', 'hi'], {env}),
      world.run(['send', '--bot', 'ALERTS', 'hi'], {env}),
      world.run(['config', 'show', '--bot', 'Alerts'], {env}),
    ])
    for (const result of results) expectUsageError(result, AMBIGUOUS)
    expect(world.api.requests).toEqual([])
  })
})
