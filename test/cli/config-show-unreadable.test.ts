// `config show` for a bot whose token cannot be read (an unset `${VAR}`, a keychain entry that is gone or no
// keychain at all): the command an operator runs when something is wrong still shows every row it can, the token row
// says what is wrong, and the exit code and stderr line stay those of a broken config (2, the one error line).
import {randomBytes} from 'node:crypto'
import {describe, expect, it, vi} from 'vitest'

import {DEPLOY_BOT, jsonOf, OPS_FORUM, REGISTRY_DISPLAY, useCliWorld, writeRegistry} from './fixture.js'

// Each test spawns several CLI processes; on a loaded machine they need more than the default 30 s (not a timing assertion).
vi.setConfig({testTimeout: 180_000})

const world = useCliWorld()

/** A table printed with padded columns, as rows of cells (padding is layout, not content). */
const cells = (text: string) => text.split('\n').map((line) => line.trim().split(/\s{2,}/))

const registry = (token: string) => `bots:
  - name: deploy
    id: 2
    token: ${token}
    chat_ids: [${OPS_FORUM.id}]
    message_thread_id: 7
`

describe('config show: a bot whose token cannot be read', () => {
  it('an unset ${VAR}: every other row as when it is set, the token row names the problem, exit 2 and the same error line', async () => {
    writeRegistry(world.cli, registry('${DEPLOY_BOT_TOKEN}'))
    const set = {env: {DEPLOY_BOT_TOKEN: DEPLOY_BOT.token}}
    const [shown, readable, json, readableJson] = await Promise.all([
      world.run(['config', 'show', '--bot', 'deploy']),
      world.run(['config', 'show', '--bot', 'deploy'], set),
      world.run(['config', 'show', '--bot', 'deploy', '--json']),
      world.run(['config', 'show', '--bot', 'deploy', '--json'], set),
    ])
    const problem = 'takes its token from ${DEPLOY_BOT_TOKEN}, which is not set'
    const line = `bot "deploy" in ${REGISTRY_DISPLAY} ${problem}`
    expect(readable).toMatchObject({stderr: '', exitCode: 0})
    expect({stderr: shown.stderr, exitCode: shown.exitCode}).toEqual({stderr: `Error: ${line}`, exitCode: 2})
    const rows = cells(readable.stdout)
    expect(rows.map(([key]) => key)).toEqual(['bot', 'token', 'chats', 'thread', 'api root'])
    expect(rows[1]![2]).toBe('← env ${DEPLOY_BOT_TOKEN}')
    expect(cells(shown.stdout)).toEqual(rows.map((row) => (row[0] === 'token' ? ['token', `(unreadable: ${problem})`, '← env ${DEPLOY_BOT_TOKEN}'] : row)))

    expect({stderr: json.stderr, exitCode: json.exitCode}).toEqual({stderr: '', exitCode: 2})
    const {token, error, ...rest} = jsonOf(json) as Record<string, unknown>
    expect(token).toEqual({value: null, source: 'env ${DEPLOY_BOT_TOKEN}', problem})
    // Whoever read `.error` of the failure before still finds it.
    expect(error).toEqual({code: 'usage', message: line, exitCode: 2})
    const {token: readableToken, ...readableRest} = jsonOf(readableJson) as Record<string, unknown>
    expect(readableToken).toMatchObject({source: 'env ${DEPLOY_BOT_TOKEN}'})
    expect(rest).toEqual(readableRest)
  })

  it('a keychain: token with no entry (or no keychain): the rows, the problem in the token row, exit 2, no token anywhere', async () => {
    writeRegistry(world.cli, registry('keychain:config-show-gone'))
    const [shown, json] = await Promise.all([world.run(['config', 'show', '--bot', 'deploy']), world.run(['config', 'show', '--bot', 'deploy', '--json'])])
    const problem = /^(no token stored in the keychain under fastpay-tg\/config-show-gone|keychain unavailable: .+)$/
    expect(shown.exitCode).toBe(2)
    expect(shown.stderr).toMatch(/^Error: bot "deploy" in ~\/config\/fastpay-tg\/config\.yml: (no token stored in the keychain under fastpay-tg\/config-show-gone|keychain unavailable: .+)$/)
    const rows = cells(shown.stdout)
    expect(rows.map(([key]) => key)).toEqual(['bot', 'token', 'chats', 'thread', 'api root'])
    expect(rows[1]![2]).toBe('← keychain fastpay-tg/config-show-gone')
    expect(rows[1]![1]).toMatch(/^\(unreadable: .+\)$/)
    expect(rows[1]![1]!.slice('(unreadable: '.length, -1)).toMatch(problem)
    expect(rows[2]).toEqual(['chats', String(OPS_FORUM.id), `← registry ${REGISTRY_DISPLAY} bots[0] (deploy)`])
    expect(rows[3]).toEqual(['thread', '7', `← registry ${REGISTRY_DISPLAY} bots[0] (deploy)`])

    expect(json.exitCode).toBe(2)
    const report = jsonOf(json) as {token: {value: unknown; source: string; problem: string}; error: {exitCode: number}; chats: unknown}
    expect(report.token).toMatchObject({value: null, source: 'keychain fastpay-tg/config-show-gone'})
    expect(report.token.problem).toMatch(problem)
    expect(report.error.exitCode).toBe(2)
    expect(report.chats).toEqual({value: [OPS_FORUM.id], source: `registry ${REGISTRY_DISPLAY} bots[0] (deploy)`})
  })

  // Needs a Secret Service (FASTPAY_TG_KEYCHAIN_TESTS=1, see .ci/run): an entry another tool wrote as bytes that are
  // not text is one the keychain answers with an error of its own, neither missing nor unavailable.
  it.skipIf(process.env.FASTPAY_TG_KEYCHAIN_TESTS !== '1')('a keychain that answers with an error (an entry that is not text): the same rows, exit 2, in bots validate too', async () => {
    const account = `config-show-bytes-${randomBytes(4).toString('hex')}`
    const {AsyncEntry} = await import('@napi-rs/keyring')
    const entry = new AsyncEntry('fastpay-tg', account, {linux: {store: 'secret-service'}})
    await entry.setSecret(new Uint8Array([0xff, 0xfe, 0x41]))
    try {
      writeRegistry(world.cli, registry(`keychain:${account}`))
      const [shown, json, validated] = await Promise.all([
        world.run(['config', 'show', '--bot', 'deploy']),
        world.run(['config', 'show', '--bot', 'deploy', '--json']),
        world.run(['bots', 'validate', 'deploy']),
      ])
      const problem = `keychain fastpay-tg/${account}: Password data is not valid UTF-8`
      expect({stderr: shown.stderr, exitCode: shown.exitCode}).toEqual({stderr: `Error: bot "deploy" in ${REGISTRY_DISPLAY}: ${problem}`, exitCode: 2})
      const rows = cells(shown.stdout)
      expect(rows.map(([key]) => key)).toEqual(['bot', 'token', 'chats', 'thread', 'api root'])
      expect(rows[1]).toEqual(['token', `(unreadable: ${problem})`, `← keychain fastpay-tg/${account}`])
      expect(json.exitCode).toBe(2)
      expect((jsonOf(json) as {token: unknown}).token).toEqual({value: null, source: `keychain fastpay-tg/${account}`, problem})
      expect(validated).toEqual({stdout: '', stderr: `Error: deploy: ${problem}`, exitCode: 2})
    } finally {
      await entry.deletePassword()
    }
  })
})
