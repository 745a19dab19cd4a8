// On a self-hosted runner, the runner user's ~/.config/fastpay-tg/config.yml may hold another project's bots and
// chats. The Action reads a registry only when the config input names one, or FASTPAY_TG_CONFIG is set in the
// step's env.
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {callsOf, DEPLOY_BOT, ON_CALL, OPS_FORUM, useActionJob} from './fixture.js'

const job = useActionJob('push')
const OTHER_PROJECT_CHAT = -1009990001

/** The runner user's own registry: another team's deploy bot and chat. */
function writeRunnerUsersRegistry(): string {
  const dir = join(job.home, '.config', 'fastpay-tg')
  mkdirSync(dir, {recursive: true})
  const path = join(dir, 'config.yml')
  writeFileSync(path, `bots:\n  - name: deploy\n    token: ${DEPLOY_BOT.token}\n    chat_ids: [${OTHER_PROJECT_CHAT}]\n`, {mode: 0o600})
  return path
}

describe('which registry the Action reads', () => {
  it('none by default: ~/.config/fastpay-tg/config.yml is ignored, its chats and token never used', async () => {
    writeRunnerUsersRegistry()
    const result = await job.step({status: 'success', 'fail-on-error': 'true'})
    // No token anywhere else: the step would have used the runner user's bot.
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/^::error::input token is empty: /)
    expect(job.api.requests).toEqual([])

    const withToken = await job.step({status: 'success', token: DEPLOY_BOT.token})
    expect(withToken.exitCode).toBe(1)
    expect(withToken.stdout.split('\n').at(-1)).toBe('::error::no chat to send to: give input chat-ids, or set TELEGRAM_CHAT_IDS')
    expect(job.api.requests).toEqual([])
  })

  it('the config input names one: that file is read', async () => {
    writeRunnerUsersRegistry()
    writeFileSync(join(job.workspace, 'bots.yml'), `bots:\n  - name: deploy\n    token: ${DEPLOY_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`, {mode: 0o600})
    const result = await job.step({status: 'success', config: 'bots.yml'})
    expect(result.exitCode).toBe(0)
    expect(callsOf(job.api, 'sendMessage').map((request) => request.params.chat_id)).toEqual([ON_CALL.id])
  })

  it('FASTPAY_TG_CONFIG set in the step\'s env: that file is read', async () => {
    writeFileSync(join(job.workspace, 'ops-bots.yml'), `bots:\n  - name: deploy\n    token: ${DEPLOY_BOT.token}\n    chat_ids: [${OPS_FORUM.id}]\n`, {mode: 0o600})
    const result = await job.step({status: 'success'}, {FASTPAY_TG_CONFIG: join(job.workspace, 'ops-bots.yml')})
    expect(result.exitCode).toBe(0)
    expect(callsOf(job.api, 'sendMessage').map((request) => request.params.chat_id)).toEqual([OPS_FORUM.id])
  })
})
