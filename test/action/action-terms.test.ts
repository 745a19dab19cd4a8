// What the config layers say, read in the Action: a workflow author has inputs, a repository checkout and secrets,
// not `fastpay-tg bots add` nor a file mode to fix. Each line must still make sense once CLI words are replaced.
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {DEPLOY_BOT, ON_CALL, useActionJob} from './fixture.js'

const job = useActionJob('push')
const notice = {status: 'started', environment: 'production'}

function registry(text: string): string {
  mkdirSync(join(job.workspace, '.github'), {recursive: true})
  writeFileSync(join(job.workspace, '.github', 'telegram.yml'), text, {mode: 0o644})
  return '.github/telegram.yml'
}

describe('config lines in the Action', () => {
  it('a config input naming no file: fix the path, or commit a registry there (no bots add on a runner)', async () => {
    const result = await job.step({...notice, config: '.github/telegrm.yml'})
    expect(result.exitCode).toBe(1)
    expect(result.stdout.split('\n').at(-1)).toBe(
      '::error::.github/telegrm.yml does not exist (named by input config or FASTPAY_TG_CONFIG): fix the path, or commit a bots registry there',
    )
    expect(job.api.requests).toEqual([])
  })

  it('message_thread_id in TELEGRAM_BOT_CONFIGS: the warning points at input thread-id', async () => {
    const configs = JSON.stringify([{name: 'deploy', token: DEPLOY_BOT.token, chat_ids: String(ON_CALL.id), message_thread_id: 7}])
    const result = await job.step(notice, {TELEGRAM_BOT_CONFIGS: configs})
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(
      '::warning::TELEGRAM_BOT_CONFIGS[0] (deploy): "message_thread_id" not read (only name, token and chat_ids are): a topic goes in input thread-id, or in a registry named by input config\n',
    )
    expect(result.outputs['message-ids']).toBe(`${ON_CALL.id}:1`)
  })

  it('a literal token in the registry of the repository: the advice is a secret through env:, not chmod', async () => {
    const config = registry(`bots:\n  - name: deploy\n    token: "${DEPLOY_BOT.token}"\n    chat_ids: [${ON_CALL.id}]\n`)
    const result = await job.step({...notice, config})
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(
      '::warning::.github/telegram.yml holds a literal token, readable by anyone who can read the repository or the runner: write token: ${ENV_VAR} there and pass the secret with env:\n',
    )
    expect(result.stdout).not.toContain('chmod')
    expect(result.outputs['message-ids']).toBe(`${ON_CALL.id}:1`)
  })
})
