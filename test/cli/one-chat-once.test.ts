// What an operator's config says twice is still one chat, and a registry id names one bot: through the built CLI.
// A chat id listed twice (`TELEGRAM_CHAT_IDS="4242,4242"`, `--chat` twice, `[4242, "4242"]` in the registry) gets
// one message; `--bot 2` of a disabled registry bot is refused rather than answered by another layer's bot.
import {describe, expect, it, vi} from 'vitest'

import {ALERTS_BOT, callsOf, DEPLOY_BOT, envConfigs, expectUsageError, HEALTH_BOT, jsonOf, ON_CALL, OPS_FORUM, REGISTRY_DISPLAY, useCliWorld, writeRegistry} from './fixture.js'

// Each test spawns several CLI processes; on a loaded machine they need more than the default 30 s (not a timing assertion).
vi.setConfig({testTimeout: 180_000})

const world = useCliWorld()

/** `[chat_id, text]` of every sendMessage the fake Telegram accepted. */
const delivered = () =>
  callsOf(world.api, 'sendMessage')
    .filter((request) => request.status === 200)
    .map((request) => [request.params.chat_id, request.params.text])

describe('a chat listed twice gets one message', () => {
  it('in TELEGRAM_CHAT_IDS, in --chat, in the registry (a number and its string), for send and alert', async () => {
    writeRegistry(world.cli, `bots:\n  - name: alerts\n    token: ${ALERTS_BOT.token}\n    chat_ids: [${ON_CALL.id}, "${ON_CALL.id}", ${OPS_FORUM.id}]\n`)
    const seed = {TELEGRAM_BOT_TOKEN: HEALTH_BOT.token, TELEGRAM_CHAT_IDS: `${ON_CALL.id},${ON_CALL.id}, ${ON_CALL.id}`}
    const [fromEnv, fromFlags, fromRegistry, alerted, shown] = await Promise.all([
      world.run(['send', '--token', HEALTH_BOT.token, 'env twice'], {env: seed}),
      world.run(['send', '--token', HEALTH_BOT.token, '--chat', String(ON_CALL.id), '--chat', String(ON_CALL.id), 'flag twice']),
      world.run(['send', '--bot', 'alerts', '--json', 'registry twice']),
      world.run(['alert', 'alert twice', '--no-host']),
      world.run(['config', 'show', '--bot', 'alerts', '--json']),
    ])
    for (const result of [fromEnv, fromFlags, fromRegistry, alerted]) expect([result.exitCode, result.stderr]).toEqual([0, ''])
    expect((jsonOf(fromRegistry) as {deliveries: unknown[]}).deliveries).toHaveLength(2)
    expect((jsonOf(shown) as {chats: {value: unknown}}).chats.value).toEqual([ON_CALL.id, OPS_FORUM.id])
    const count = (text: string) => delivered().filter(([, sent]) => typeof sent === 'string' && sent.includes(text)).map(([chat]) => chat)
    expect(count('env twice')).toEqual([ON_CALL.id])
    expect(count('flag twice')).toEqual([ON_CALL.id])
    expect(count('registry twice').sort()).toEqual([OPS_FORUM.id, ON_CALL.id].sort())
    expect(count('alert twice').sort()).toEqual([OPS_FORUM.id, ON_CALL.id].sort())
  })
})

describe('a registry id never falls back', () => {
  it('--bot 2 of a disabled bot: the disabled error, exit 2, though TELEGRAM_BOT_CONFIGS and TELEGRAM_BOT_TOKEN have bots', async () => {
    writeRegistry(world.cli, `bots:\n  - name: alerts\n    id: 1\n    token: ${ALERTS_BOT.token}\n  - name: deploy\n    id: 2\n    token: ${DEPLOY_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n    active: false\n`)
    const env = {
      TELEGRAM_BOT_TOKEN: HEALTH_BOT.token,
      TELEGRAM_CHAT_IDS: String(OPS_FORUM.id),
      TELEGRAM_BOT_CONFIGS: envConfigs({name: 'DEPLOY', token: HEALTH_BOT.token, chat_ids: [OPS_FORUM.id]}),
    }
    const line = `Error: bot "deploy" is disabled in ${REGISTRY_DISPLAY}: enable it with fastpay-tg bots enable deploy`
    const [sent, alerted, byName] = await Promise.all([
      world.run(['send', '--bot', '2', 'by id'], {env}),
      world.run(['alert', 'by id', '--bot', '2', '--no-host'], {env}),
      // By name, a disabled bot lets a lower layer's bot of that name answer, as README says.
      world.run(['send', '--bot', 'deploy', 'by name'], {env}),
    ])
    expectUsageError(sent, line)
    expectUsageError(alerted, line)
    expect([byName.exitCode, byName.stderr]).toEqual([0, ''])
    expect(delivered()).toEqual([[OPS_FORUM.id, 'by name']])
  })
})
