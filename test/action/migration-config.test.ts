// Migration day (issue 10) through the bundled Action, as the runner runs it: TELEGRAM_BOT_CONFIGS exported the way
// the Django backend documents it (chat_ids as "123,456"), a bad entry in it, and the seed fallback to
// TELEGRAM_BOT_TOKEN when no layer has the deploy channel's bot.
import {describe, expect, it, vi} from 'vitest'

import {callsOf, DEPLOY_BOT, occurrences, ON_CALL, OPS_FORUM, useActionJob} from './fixture.js'

// Each test spawns several CLI processes; on a loaded machine they need more than the default 30 s (not a timing assertion).
vi.setConfig({testTimeout: 180_000})

const job = useActionJob('push')

const configs = (chatIds: unknown) => JSON.stringify([{name: 'deploy', token: DEPLOY_BOT.token, chat_ids: chatIds}])
const sentTo = () => callsOf(job.api, 'sendMessage').filter((request) => request.status === 200).map((request) => [request.token, request.params.chat_id])

describe('TELEGRAM_BOT_CONFIGS chat_ids, as old deployments export it', () => {
  const forms: Array<[string, unknown, number[]]> = [
    ['a comma-separated string with spaces', `${OPS_FORUM.id}, ${ON_CALL.id}`, [OPS_FORUM.id, ON_CALL.id]],
    ['one id as a string', String(ON_CALL.id), [ON_CALL.id]],
    ['one id as a number', ON_CALL.id, [ON_CALL.id]],
    ['a list of a number and a numeric string', [OPS_FORUM.id, String(ON_CALL.id)], [OPS_FORUM.id, ON_CALL.id]],
  ]
  it.each(forms)('%s: the deploy notice goes to exactly those chats', async (_form, chatIds, expected) => {
    const result = await job.step({status: 'started'}, {TELEGRAM_BOT_CONFIGS: configs(chatIds)})
    expect({exitCode: result.exitCode, stderr: result.stderr}).toEqual({exitCode: 0, stderr: ''})
    expect(result.stdout).not.toMatch(/::(error|warning)::/)
    expect(sentTo()).toEqual(expected.map((chat) => [DEPLOY_BOT.token, chat]))
    expect(occurrences(result.stdout.split('\n').slice(1).join('\n') + result.summary, DEPLOY_BOT.token)).toBe(0)
  })

  it('a bad element fails the step with one ::error:: line naming TELEGRAM_BOT_CONFIGS[i].chat_ids and the element; nothing sent', async () => {
    const result = await job.step({status: 'started', 'fail-on-error': 'true'}, {TELEGRAM_BOT_CONFIGS: configs(`${ON_CALL.id}, ops room`)})
    expect(result.exitCode).toBe(1)
    const annotations = result.stdout.split('\n').filter((line) => line.startsWith('::error::') || line.startsWith('::warning::'))
    expect(annotations).toEqual(['::error::TELEGRAM_BOT_CONFIGS[0].chat_ids: expected a chat id (integer) or @username, got "ops room"'])
    expect(job.api.requests).toEqual([])
  })
})

describe('the seed fallback in the Action', () => {
  it('TELEGRAM_BOT_CONFIGS still exported without a deploy bot: TELEGRAM_BOT_TOKEN + TELEGRAM_CHAT_IDS deliver, with one warning', async () => {
    const oldSetup = JSON.stringify([{name: 'alerts', token: '5000000001:AAHoldAlertsBotTokenNotUsedHere_0001', chat_ids: `${OPS_FORUM.id},${ON_CALL.id}`}])
    const result = await job.step(
      {status: 'started'},
      {TELEGRAM_BOT_CONFIGS: oldSetup, TELEGRAM_BOT_TOKEN: DEPLOY_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id)},
    )
    expect(result.exitCode).toBe(0)
    const annotations = result.stdout.split('\n').filter((line) => line.startsWith('::error::') || line.startsWith('::warning::'))
    expect(annotations).toEqual(['::warning::no bot named "deploy" in any layer: using TELEGRAM_BOT_TOKEN'])
    expect(sentTo()).toEqual([[DEPLOY_BOT.token, ON_CALL.id]])
  })

  it('a channel input no layer has (a typo), without TELEGRAM_BOT_TOKEN: the first bot delivers, and one warning names both', async () => {
    const setup = JSON.stringify([
      {name: 'alerts', token: DEPLOY_BOT.token, chat_ids: String(ON_CALL.id)},
      {name: 'deploy', token: '5000000001:AAHdeployBotTokenNotUsedHere_00001', chat_ids: String(OPS_FORUM.id)},
    ])
    const result = await job.step({status: 'started', channel: 'deplyo'}, {TELEGRAM_BOT_CONFIGS: setup})
    expect(result.exitCode).toBe(0)
    const annotations = result.stdout.split('\n').filter((line) => line.startsWith('::error::') || line.startsWith('::warning::'))
    expect(annotations).toEqual(['::warning::no bot named "deplyo" in any layer: using "alerts", the first bot'])
    expect(sentTo()).toEqual([[DEPLOY_BOT.token, ON_CALL.id]])
  })
})
