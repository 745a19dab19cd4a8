// The registry CRUD as a user runs it: add, list, disable/enable, validate, sync-info (test and remove have files of
// their own). Every change is checked in the registry file itself and in what the fake Telegram received afterwards.
import {statSync} from 'node:fs'
import {describe, expect, it, vi} from 'vitest'
import {parse} from 'yaml'

import {
  ALERTS_BOT,
  callsOf,
  DEPLOY_BOT,
  envConfigs,
  expectUsageError,
  HEALTH_BOT,
  jsonOf,
  ON_CALL,
  OPS_FORUM,
  readRegistry,
  REGISTRY_DISPLAY,
  REVOKED_TOKEN,
  TWO_BOTS,
  useCliWorld,
  writeRegistry,
} from './fixture.js'

// Each test spawns several CLI processes; on a loaded machine they need more than the default 30 s (not a timing assertion).
vi.setConfig({testTimeout: 120_000})

const world = useCliWorld()

/**
 * Where `bots add` puts a literal token. .ci/run starts a Secret Service and says so; without a session bus there
 * is none; a developer's own session may or may not have one, so the CLI's answer decides.
 */
const expectedStorage: 'keychain' | 'file' | 'either' =
  process.env.FASTPAY_TG_KEYCHAIN_TESTS === '1' ? 'keychain' : process.env.DBUS_SESSION_BUS_ADDRESS ? 'either' : 'file'

const NEW_FILE_HEADER = '# fastpay-tg bots registry. A token is a literal, ${ENV_VAR} or keychain:<account>.\nbots:\n'

const twoBots = TWO_BOTS

describe('bots add', () => {
  it('stores a literal token in the keychain, or in the 0600 file with a one-line warning; either way send uses it', async () => {
    const added = await world.run([
      'bots', 'add', 'payments', '--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id), '--chat', String(OPS_FORUM.id), '--thread', '7', '--chat-type', 'supergroup',
    ])
    expect(added.exitCode).toBe(0)
    const inKeychain = added.stdout.includes('OS keychain')
    if (expectedStorage !== 'either') expect(inKeychain).toBe(expectedStorage === 'keychain')
    const storage = inKeychain ? 'OS keychain (fastpay-tg/payments)' : 'registry file (literal)'
    expect(added.stdout).toBe(`added bot payments (id 1, @${ALERTS_BOT.username}); token in ${storage}; chats: 4242, ${OPS_FORUM.id}`)
    if (inKeychain) {
      expect(added.stderr).toBe('')
    } else {
      expect(added.stderr).toMatch(/^Warning: keychain unavailable: [^\n]+; the token is stored in the registry file instead$/)
    }
    expect(readRegistry(world.cli)).toBe(`${NEW_FILE_HEADER}  - name: payments
    id: 1
    token: ${inKeychain ? 'keychain:payments' : ALERTS_BOT.token}
    chat_ids: [4242, ${OPS_FORUM.id}]
    chat_type: supergroup
    message_thread_id: 7
    active: true
    info:
      username: ${ALERTS_BOT.username}
      first_name: ${ALERTS_BOT.first_name}
`)
    expect(statSync(world.cli.configPath).mode & 0o777).toBe(0o600)

    const sent = await world.run(['send', '--bot', 'payments', 'payout batch 118 settled'])
    expect(sent).toEqual({stdout: `sent to 4242: message 1\nsent to ${OPS_FORUM.id}: message 1`, stderr: '', exitCode: 0})
    expect(callsOf(world.api, 'sendMessage').map((request) => [request.token, request.params.message_thread_id])).toEqual([
      [ALERTS_BOT.token, 7],
      [ALERTS_BOT.token, 7],
    ])

    const removed = await world.run(['bots', 'remove', 'payments', '--yes'])
    expect(removed).toEqual({stdout: 'removed bot payments (id 1)', stderr: '', exitCode: 0})
    if (inKeychain) {
      // The keychain entry went with the bot.
      writeRegistry(world.cli, 'bots:\n  - name: payments\n    token: keychain:payments\n')
      const shown = await world.run(['config', 'show', '--bot', 'payments'])
      expect({stderr: shown.stderr, exitCode: shown.exitCode}).toEqual({
        stderr: `Error: bot "payments" in ${REGISTRY_DISPLAY}: no token stored in the keychain under fastpay-tg/payments`,
        exitCode: 2,
      })
      expect(shown.stdout).toMatch(/^token +\(unreadable: no token stored in the keychain under fastpay-tg\/payments\) +← keychain fastpay-tg\/payments$/m)
    }
  })

  it('a ${VAR} reference is stored as written and no keychain is involved', async () => {
    const added = await world.run(['bots', 'add', 'deploy', '--token', '${DEPLOY_TOKEN}', '--chat', '@fastpay_status', '--inactive', '--json'])
    expect(added.stderr).toBe('')
    expect(jsonOf(added)).toEqual({name: 'deploy', id: 1, active: false, chatIds: ['@fastpay_status'], tokenStorage: 'environment variable DEPLOY_TOKEN'})
    expect(readRegistry(world.cli)).toBe(`${NEW_FILE_HEADER}  - name: deploy\n    id: 1\n    token: \${DEPLOY_TOKEN}\n    chat_ids: ["@fastpay_status"]\n    active: false\n`)
  })

  it('--no-keychain keeps the literal token in the file without a warning; the next bot gets the next id', async () => {
    writeRegistry(world.cli, twoBots)
    const added = await world.run(['bots', 'add', 'health', '--token', HEALTH_BOT.token, '--no-keychain'])
    expect(added).toEqual({stdout: `added bot health (id 3, @${HEALTH_BOT.username}); token in registry file (literal); chats: none`, stderr: '', exitCode: 0})
    expect(readRegistry(world.cli)).toBe(`${twoBots}  - name: health\n    id: 3\n    token: ${HEALTH_BOT.token}\n    chat_ids: []\n    active: true\n    info:\n      username: ${HEALTH_BOT.username}\n      first_name: ${HEALTH_BOT.first_name}\n`)
  })

  it('a name that exists (in any case) is refused, and the existing bot keeps its token (keychain included)', async () => {
    const first = await world.run(['bots', 'add', 'refunds', '--token', ALERTS_BOT.token])
    expect(first.exitCode).toBe(0)
    const registry = readRegistry(world.cli)
    const again = await world.run(['bots', 'add', 'Refunds', '--token', REVOKED_TOKEN, '--chat', String(ON_CALL.id)])
    expectUsageError(again, `Error: bot "refunds" already exists in ${REGISTRY_DISPLAY} (bots[0])`)
    expect(readRegistry(world.cli)).toBe(registry)
    const validated = await world.run(['bots', 'validate', 'refunds'])
    expect(validated).toEqual({stdout: `refunds: ok, @fastpay_alerts_bot (id ${ALERTS_BOT.id})`, stderr: '', exitCode: 0})
    expect(await world.run(['bots', 'remove', 'refunds', '--yes'])).toMatchObject({exitCode: 0})
  })

  it('a bad --chat is refused before the token is stored anywhere', async () => {
    const added = await world.run(['bots', 'add', 'refunds', '--token', ALERTS_BOT.token, '--chat', 'ops room'])
    expectUsageError(added, 'Error: --chat: "ops room" is not a chat id (integer or @username)')
    // Nothing in the file, and nothing left in the keychain for a later `keychain:refunds` to pick up.
    writeRegistry(world.cli, 'bots:\n  - name: refunds\n    token: keychain:refunds\n    chat_ids: [4242]\n')
    const shown = await world.run(['config', 'show', '--bot', 'refunds'])
    expect(shown.exitCode).toBe(2)
    expect(shown.stderr).toMatch(/^Error: bot "refunds" in ~\/config\/fastpay-tg\/config\.yml: (no token stored in the keychain under fastpay-tg\/refunds|keychain unavailable: .+)$/)
  })

  it('a bad NAME or --thread names the argument, not the registry file, and nothing is asked of Telegram', async () => {
    const [name, thread, updated] = await Promise.all([
      world.run(['bots', 'add', 'bad name', '--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id)]),
      world.run(['bots', 'add', 'refunds', '--token', ALERTS_BOT.token, '--thread', '-1']),
      world.run(['bots', 'update', 'refunds', '--thread', '0']),
    ])
    expectUsageError(name, 'Error: NAME: "bad name" is not a bot name (a letter, then up to 63 of A-Z a-z 0-9 _ . -)')
    for (const result of [thread, updated]) expect([result.exitCode, result.stderr]).toEqual([2, expect.stringMatching(/^Error: Parsing --thread: Expected an integer greater than or equal to 1 but received: -?[01]$/)])
    expect(world.api.requests).toEqual([])
  })
})

describe('bots list', () => {
  it('every layer, with masked tokens, states, the default bot and where each comes from', async () => {
    writeRegistry(world.cli, `${twoBots}    active: false\n    info:\n      username: fastpay_deploy_bot\n`)
    const env = {
      TELEGRAM_BOT_CONFIGS: envConfigs({name: 'health', token: HEALTH_BOT.token, chat_ids: [ON_CALL.id]}, {name: 'alerts', token: DEPLOY_BOT.token}),
      TELEGRAM_BOT_TOKEN: REVOKED_TOKEN,
      TELEGRAM_CHAT_IDS: '42',
    }
    const listed = await world.run(['bots', 'list'], {env})
    expect(listed).toEqual({
      stdout: [
        '  NAME       ID  STATE     TOKEN             CHATS                BOT                  TOKEN SOURCE',
        `* alerts     1   active    7012345678:AA…1U  ${OPS_FORUM.id},4242                       registry ${REGISTRY_DISPLAY} bots[0] (alerts)`,
        `  deploy     2   disabled  6098765432:AA…y8  4242                 @fastpay_deploy_bot  registry ${REGISTRY_DISPLAY} bots[1] (deploy)`,
        '  health     -   active    5123987654:AA…0R  4242                                      env TELEGRAM_BOT_CONFIGS[0] (health)',
        '  alerts     -   shadowed  6098765432:AA…y8  -                                         env TELEGRAM_BOT_CONFIGS[1] (alerts)',
        '  (unnamed)  -   active    4000000001:AA…f2  42                                        env TELEGRAM_BOT_TOKEN',
      ].join('\n'),
      stderr: '',
      exitCode: 0,
    })
  })

  it('no bots: says how to add one', async () => {
    const listed = await world.run(['bots', 'list'])
    expect(listed).toEqual({
      stdout: `No bots configured. Add one with: fastpay-tg bots add NAME --token TOKEN --chat CHAT_ID (registry: ${REGISTRY_DISPLAY})`,
      stderr: '',
      exitCode: 0,
    })
  })
})

describe('bots disable / enable', () => {
  it('disable writes active: false and lookups refuse the bot; enable brings it back', async () => {
    writeRegistry(world.cli, twoBots)
    const disabled = await world.run(['bots', 'disable', 'ALERTS'])
    expect(disabled).toEqual({stdout: 'bot alerts is now disabled', stderr: '', exitCode: 0})
    expect(readRegistry(world.cli)).toBe(twoBots.replace('    message_thread_id: 7\n', '    message_thread_id: 7\n    active: false\n'))

    const [refused, byDefault] = await Promise.all([world.run(['send', '--bot', 'alerts', 'hi']), world.run(['send', 'hi'])])
    expectUsageError(refused, `Error: bot "alerts" is disabled in ${REGISTRY_DISPLAY}: enable it with fastpay-tg bots enable alerts`)
    // Without --bot, the first active bot answers: deploy.
    expect(byDefault).toEqual({stdout: 'sent to 4242: message 1', stderr: '', exitCode: 0})
    expect(callsOf(world.api, 'sendMessage').map((request) => request.token)).toEqual([DEPLOY_BOT.token])

    const enabled = await world.run(['bots', 'enable', '1', '--json'])
    expect(jsonOf(enabled)).toEqual({name: 'alerts', id: 1, active: true})
    expect(readRegistry(world.cli)).toBe(twoBots.replace('    message_thread_id: 7\n', '    message_thread_id: 7\n    active: true\n'))
    const sent = await world.run(['send', '--bot', 'alerts', '--chat', String(ON_CALL.id), 'back'])
    expect(sent).toEqual({stdout: 'sent to 4242: message 2', stderr: '', exitCode: 0})
  })

  it('an unknown name: one line, exit 2, file untouched', async () => {
    writeRegistry(world.cli, twoBots)
    const [disable, enable, remove] = await Promise.all([
      world.run(['bots', 'disable', 'payments']),
      world.run(['bots', 'enable', 'payments']),
      world.run(['bots', 'remove', 'payments']),
    ])
    for (const result of [disable, enable, remove]) expectUsageError(result, `Error: unknown bot "payments": not in ${REGISTRY_DISPLAY}`)
    expect(readRegistry(world.cli)).toBe(twoBots)
  })
})

describe('bots validate', () => {
  it('getMe for every active registry bot: ok lines on stdout, a 401 on stderr, exit 1', async () => {
    writeRegistry(world.cli, `${twoBots.replace(DEPLOY_BOT.token, REVOKED_TOKEN)}  - name: health\n    token: ${HEALTH_BOT.token}\n    active: false\n`)
    const result = await world.run(['bots', 'validate'])
    expect(result).toEqual({
      stdout: `alerts: ok, @fastpay_alerts_bot (id ${ALERTS_BOT.id})`,
      stderr: "Error: deploy: Call to 'getMe' failed (401: Unauthorized): the bot token is wrong (ask @BotFather)",
      exitCode: 1,
    })
    expect(callsOf(world.api, 'getMe').map((request) => request.token).sort()).toEqual([REVOKED_TOKEN, ALERTS_BOT.token].sort())
  })

  it('without a registry, every TELEGRAM_BOT_CONFIGS bot: a broken token among them sets the exit code, in --json too', async () => {
    const env = {TELEGRAM_BOT_CONFIGS: envConfigs({name: 'c', token: HEALTH_BOT.token, chat_ids: [ON_CALL.id]}, {name: 'd', token: REVOKED_TOKEN, chat_ids: [ON_CALL.id]})}
    const [human, json] = await Promise.all([world.run(['bots', 'validate'], {env}), world.run(['bots', 'validate', '--json'], {env})])
    expect(human).toEqual({
      stdout: `c: ok, @fastpay_health_bot (id ${HEALTH_BOT.id})`,
      stderr: "Error: d: Call to 'getMe' failed (401: Unauthorized): the bot token is wrong (ask @BotFather)",
      exitCode: 1,
    })
    expect(json.exitCode).toBe(1)
    expect((jsonOf(json) as {bots: Array<{bot: string; ok: boolean}>}).bots.map(({bot, ok}) => [bot, ok])).toEqual([['c', true], ['d', false]])
  })

  it('with a registry: its active bots, the TELEGRAM_BOT_CONFIGS bots it does not hide (an unnamed one too), TELEGRAM_BOT_TOKEN', async () => {
    writeRegistry(world.cli, twoBots)
    // ALERTS is hidden by the registry's alerts (bots list says so), so its token is never used and not checked.
    const configs = envConfigs({name: 'ALERTS', token: REVOKED_TOKEN}, {name: 'c', token: HEALTH_BOT.token}, {token: REVOKED_TOKEN})
    const result = await world.run(['bots', 'validate'], {env: {TELEGRAM_BOT_CONFIGS: configs, TELEGRAM_BOT_TOKEN: DEPLOY_BOT.token}})
    expect(result).toEqual({
      stdout: [
        `alerts: ok, @fastpay_alerts_bot (id ${ALERTS_BOT.id})`,
        `deploy: ok, @fastpay_deploy_bot (id ${DEPLOY_BOT.id})`,
        `c: ok, @fastpay_health_bot (id ${HEALTH_BOT.id})`,
        `env TELEGRAM_BOT_TOKEN: ok, @fastpay_deploy_bot (id ${DEPLOY_BOT.id})`,
      ].join('\n'),
      stderr: "Error: env TELEGRAM_BOT_CONFIGS[2]: Call to 'getMe' failed (401: Unauthorized): the bot token is wrong (ask @BotFather)",
      exitCode: 1,
    })
    const tokens = callsOf(world.api, 'getMe').map((request) => request.token)
    expect(tokens.sort()).toEqual([ALERTS_BOT.token, DEPLOY_BOT.token, HEALTH_BOT.token, REVOKED_TOKEN, DEPLOY_BOT.token].sort())
  })

  it('one bot, --json: what getMe said', async () => {
    writeRegistry(world.cli, twoBots)
    const result = await world.run(['bots', 'validate', 'deploy', '--json'])
    expect(result.exitCode).toBe(0)
    expect(jsonOf(result)).toEqual({bots: [{bot: 'deploy', ok: true, me: {id: DEPLOY_BOT.id, username: DEPLOY_BOT.username, first_name: DEPLOY_BOT.first_name}}]})
  })
})

describe('bots sync-info', () => {
  it('caches the bot’s and its chats’ names in the registry, keeping the rest of the file', async () => {
    writeRegistry(world.cli, twoBots)
    const result = await world.run(['bots', 'sync-info', 'alerts'])
    expect({stderr: result.stderr, exitCode: result.exitCode}).toEqual({stderr: '', exitCode: 0})
    // Chats come out in the cached mapping's key order (numeric keys first), not the file's.
    const [header, ...chatLines] = result.stdout.split('\n')
    expect(header).toBe('@fastpay_alerts_bot: FastPay Alerts')
    expect(chatLines.sort()).toEqual([
      `  ${OPS_FORUM.id}   supergroup FastPay Ops @fastpay_ops`,
      '  4242             private    Ana Oncall @ana_oncall',
    ])
    const text = readRegistry(world.cli)
    expect(text.startsWith(twoBots.split('  - name: deploy')[0]!)).toBe(true)
    const [alerts, deploy] = (parse(text) as {bots: Array<Record<string, unknown>>}).bots
    expect(alerts!.info).toEqual({
      username: 'fastpay_alerts_bot',
      first_name: 'FastPay Alerts',
      synced_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      chats: {
        [String(OPS_FORUM.id)]: {title: 'FastPay Ops', type: 'supergroup', username: 'fastpay_ops'},
        '4242': {title: 'Ana Oncall', type: 'private', username: 'ana_oncall'},
      },
    })
    expect(deploy).toEqual({name: 'deploy', id: 2, token: DEPLOY_BOT.token, chat_ids: [ON_CALL.id]})
    // Both chats at once: their calls may arrive either way round.
    expect(callsOf(world.api, 'getChat').map((request) => Number(request.params.chat_id)).sort()).toEqual([OPS_FORUM.id, ON_CALL.id].sort())
  })

  it('a chat Telegram refuses (the bot was removed from it): the other chats are cached, one line for it, exit 1', async () => {
    const gone = -1001111111111
    writeRegistry(world.cli, twoBots.replace(`chat_ids: [${OPS_FORUM.id}, ${ON_CALL.id}]`, `chat_ids: [${OPS_FORUM.id}, ${gone}, ${ON_CALL.id}]`))
    const result = await world.run(['bots', 'sync-info', 'alerts'])
    expect(result.stderr).toBe(`Error: ${gone}: Call to 'getChat' failed (400: Bad Request: chat not found): check the chat id, and that the bot was added to the chat`)
    expect(result.exitCode).toBe(1)
    expect(result.stdout.split('\n')[0]).toBe('@fastpay_alerts_bot: FastPay Alerts')
    const [alerts] = (parse(readRegistry(world.cli)) as {bots: Array<{info?: {chats?: Record<string, unknown>}}>}).bots
    expect(Object.keys(alerts!.info?.chats ?? {}).sort()).toEqual([String(OPS_FORUM.id), String(ON_CALL.id)].sort())
  })

  it('a bot that is only in TELEGRAM_BOT_CONFIGS: one line, exit 2, nothing written', async () => {
    const env = {TELEGRAM_BOT_CONFIGS: envConfigs({name: 'health', token: HEALTH_BOT.token})}
    const result = await world.run(['bots', 'sync-info', 'health'], {env})
    expectUsageError(result, 'Error: bot "health" is not in the registry: sync-info caches metadata there')
  })
})
