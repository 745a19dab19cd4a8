// `bots add` on migration day (issue 10, item 4; issue 11, item 12): the token off the command line (stdin, or a
// prompt that does not echo), its shape checked without printing it, getMe saying whose token it is, a --config
// file that does not exist yet created, and a config dir that cannot be written reported in one line.
import {execa} from 'execa'
import {chmodSync, existsSync, mkdirSync, readFileSync, statSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {describe, expect, it, vi} from 'vitest'

import {runOnTerminal, screenLines} from '../helpers/run-on-terminal.js'
import {ALERTS_BOT, callsOf, closedApiRoot, expectUsageError, HEALTH_BOT, jsonOf, ON_CALL, readRegistry, REVOKED_TOKEN, useCliWorld} from './fixture.js'

// Each test spawns several CLI processes; on a loaded machine they need more than the default 30 s (not a timing assertion).
vi.setConfig({testTimeout: 180_000})

const world = useCliWorld()
const BIN = resolve(import.meta.dirname, '../../bin/run.js')

/** The literal token kept in the file (--no-keychain), so that the test can see exactly what was stored. */
const storedToken = () => /token: (\S+)/.exec(readRegistry(world.cli))?.[1]

describe('bots add --token -', () => {
  it('reads the token from stdin, checks it with getMe and says whose it is', async () => {
    const added = await world.run(['bots', 'add', 'alerts', '--token', '-', '--no-keychain', '--chat', String(ON_CALL.id)], {input: `${ALERTS_BOT.token}\n`})
    expect(added).toEqual({
      stdout: `added bot alerts (id 1, @${ALERTS_BOT.username}); token in registry file (literal); chats: ${ON_CALL.id}`,
      stderr: '',
      exitCode: 0,
    })
    expect(storedToken()).toBe(ALERTS_BOT.token)
    expect(callsOf(world.api, 'getMe').map((request) => request.token)).toEqual([ALERTS_BOT.token])
    // What getMe said is kept, as sync-info keeps it: the listing names the bot without asking Telegram again.
    expect(readRegistry(world.cli)).toContain(`    info:\n      username: ${ALERTS_BOT.username}\n      first_name: ${ALERTS_BOT.first_name}\n`)
    const listed = await world.run(['bots', 'list'])
    expect(listed.stdout.split('\n').find((line) => line.startsWith('* alerts'))).toContain(`@${ALERTS_BOT.username}`)
    expect(callsOf(world.api, 'getMe')).toHaveLength(1)
  })

  it('--json carries the username; --no-validate asks Telegram nothing', async () => {
    const [json, unchecked] = await Promise.all([
      world.run(['bots', 'add', 'alerts', '--token', '-', '--no-keychain', '--json', '--config', join(world.cli.env.HOME!, 'a.yml')], {input: ALERTS_BOT.token}),
      world.run(['bots', 'add', 'health', '--token', HEALTH_BOT.token, '--no-keychain', '--no-validate', '--config', join(world.cli.env.HOME!, 'h.yml')]),
    ])
    expect(JSON.parse(json.stdout)).toEqual({name: 'alerts', id: 1, active: true, chatIds: [], tokenStorage: 'registry file (literal)', username: ALERTS_BOT.username})
    expect(unchecked).toEqual({stdout: 'added bot health (id 1); token in registry file (literal); chats: none', stderr: '', exitCode: 0})
    expect(callsOf(world.api, 'getMe').map((request) => request.token)).toEqual([ALERTS_BOT.token])
  })
})

describe('a value that is not a bot token', () => {
  it('is refused in one line, exit 2, without printing it; nothing is written', async () => {
    const notTokens = ['-', 'hunter2-not-a-token', '12345:tooShortSecret', `bot${ALERTS_BOT.token}`, `${ALERTS_BOT.token}!`]
    const results = await Promise.all([
      ...notTokens.map((value) => world.run(['bots', 'add', 'alerts', '--token', '-', '--no-keychain'], {input: value})),
      world.run(['bots', 'add', 'alerts', '--token', 'hunter2-not-a-token', '--no-keychain']),
      world.run(['bots', 'add', 'alerts', '--token', '-', '--no-keychain'], {input: ''}),
    ])
    const shape = 'Error: --token: not shaped like a bot token (<digits>:<30 or more of A-Z a-z 0-9 _ ->, as @BotFather gives it)'
    for (const result of results.slice(0, -1)) expectUsageError(result, shape)
    expectUsageError(results.at(-1)!, 'Error: --token: the token is empty')
    const everything = results.map((result) => result.stdout + result.stderr).join('\n')
    for (const value of ['hunter2', 'tooShortSecret', ALERTS_BOT.token.split(':')[1]!]) expect(everything).not.toContain(value)
    expect(existsSync(world.cli.configPath)).toBe(false)
    expect(world.api.requests).toEqual([])
  })

  it('a well-shaped token Telegram does not know: one line, exit 2, the token not printed, nothing written', async () => {
    const refused = await world.run(['bots', 'add', 'alerts', '--token', '-', '--no-keychain'], {input: REVOKED_TOKEN})
    expectUsageError(
      refused,
      "Error: --token: Call to 'getMe' failed (401: Unauthorized): the bot token is wrong (ask @BotFather); nothing was added (--no-validate skips this check)",
    )
    expect(refused.stderr).not.toContain(REVOKED_TOKEN.split(':')[1]!)
    expect(existsSync(world.cli.configPath)).toBe(false)
  })

  it('Telegram unreachable: a warning, and the bot is added', async () => {
    const added = await world.run(['bots', 'add', 'alerts', '--token', ALERTS_BOT.token, '--no-keychain', '--timeout', '2'], {
      env: {TELEGRAM_API_BASE_URL: await closedApiRoot()},
    })
    expect(added.exitCode).toBe(0)
    expect(added.stdout).toBe('added bot alerts (id 1); token in registry file (literal); chats: none')
    expect(added.stderr).toMatch(/^Warning: could not check the token with Telegram \([^\n]+\): added without checking$/)
    expect(added.stderr).not.toContain(ALERTS_BOT.token.split(':')[1]!)
    expect(storedToken()).toBe(ALERTS_BOT.token)
  })
})

describe('bots add on a terminal without --token', () => {
  it('asks for the token with echo off: it never reaches the screen', async () => {
    const args = ['bots', 'add', 'alerts', '--no-keychain', '--chat', String(ON_CALL.id)]
    const {screen, exitCode} = await runOnTerminal(world.cli.env, args, 'Token for alerts (not shown): ', `${ALERTS_BOT.token}\r`)
    expect(exitCode).toBe(0)
    expect(screenLines(screen)).toEqual([
      'Token for alerts (not shown):',
      `added bot alerts (id 1, @${ALERTS_BOT.username}); token in registry file (literal); chats: ${ON_CALL.id}`,
    ])
    expect(screen).not.toContain(ALERTS_BOT.token.split(':')[1]!)
    expect(storedToken()).toBe(ALERTS_BOT.token)
  })
})

describe('where bots add writes', () => {
  it('creates a --config file that does not exist yet: 0600, in new directories 0700', async () => {
    const config = join(world.cli.env.HOME!, 'etc', 'fastpay', 'bots.yml')
    const added = await world.run(['bots', 'add', 'alerts', '--token', ALERTS_BOT.token, '--no-keychain', '--config', config])
    expect(added.exitCode, added.stderr).toBe(0)
    expect(statSync(config).mode & 0o777).toBe(0o600)
    expect(statSync(dirname(config)).mode & 0o777).toBe(0o700)
    expect(statSync(dirname(dirname(config))).mode & 0o777).toBe(0o700)
    expect(readFileSync(config, 'utf8')).toContain(`  - name: alerts\n    id: 1\n    token: ${ALERTS_BOT.token}\n`)
    const sent = await world.run(['send', '--config', config, '--chat', String(ON_CALL.id), 'hello'])
    expect(sent).toEqual({stdout: `sent to ${ON_CALL.id}: message 1`, stderr: '', exitCode: 0})
  })

  it('a config dir it may not write: one line naming the file, exit 2, no stack trace', async () => {
    const home = world.cli.env.HOME!
    const readOnly = join(home, 'readonly')
    mkdirSync(readOnly, {mode: 0o555})
    chmodSync(home, 0o755)
    const config = join(readOnly, 'config.yml')
    // Root writes anywhere: the CLI then runs as nobody, for whom the directory is as read-only as for any user.
    const asUser = process.getuid?.() === 0 ? {uid: 65_534, gid: 65_534} : {}
    const result = await execa(process.execPath, [BIN, 'bots', 'add', 'alerts', '--token', ALERTS_BOT.token, '--no-keychain', '--config', config], {
      env: world.cli.env,
      extendEnv: false,
      reject: false,
      input: '',
      timeout: 60_000,
      ...asUser,
    })
    expectUsageError({stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? -1}, `Error: ${config}: cannot write (EACCES)`)
    expect(existsSync(config)).toBe(false)
  })
})

// Needs a Secret Service (FASTPAY_TG_KEYCHAIN_TESTS=1, see .ci/run): the entries are the real keychain's, shared by
// every registry file of the user.
describe.skipIf(process.env.FASTPAY_TG_KEYCHAIN_TESTS !== '1')('bots add of one name in two registry files, tokens in the keychain', () => {
  it('each file gets an entry of its own and reads its own token; removing it from one leaves the other', async () => {
    // A name of its own: the keychain is shared with the other tests of the run.
    const name = `kc${process.pid}${Date.now().toString(36)}`
    const [a, b] = ['a.yml', 'b.yml'].map((file) => join(world.cli.env.HOME!, file))
    const add = (config: string, token: string) => world.run(['bots', 'add', name, '--token', '-', '--chat', String(ON_CALL.id), '--config', config!], {input: token})
    const addedA = await add(a!, ALERTS_BOT.token)
    const addedB = await add(b!, HEALTH_BOT.token)
    try {
      expect(addedA).toMatchObject({stderr: '', exitCode: 0})
      expect(addedA.stdout).toContain(`token in OS keychain (fastpay-tg/${name});`)
      expect(addedB).toMatchObject({stderr: '', exitCode: 0})
      expect(addedB.stdout).toContain(`token in OS keychain (fastpay-tg/${name}-2);`)
      const shown = await Promise.all([a!, b!].map((config) => world.run(['config', 'show', '--bot', name, '--config', config, '--json'])))
      expect(shown.map((result) => (jsonOf(result) as {token: unknown}).token)).toEqual([
        {value: '7012345678:AA…1U', source: `keychain fastpay-tg/${name}`},
        {value: '5123987654:AA…0R', source: `keychain fastpay-tg/${name}-2`},
      ])
      expect(await world.run(['bots', 'remove', name, '--yes', '--config', a!])).toMatchObject({stderr: '', exitCode: 0})
      const sent = await world.run(['send', '--bot', name, '--config', b!, 'still mine'])
      expect(sent).toMatchObject({stderr: '', exitCode: 0})
      expect(callsOf(world.api, 'sendMessage').map((request) => request.token)).toEqual([HEALTH_BOT.token])
    } finally {
      await world.run(['bots', 'remove', name, '--yes', '--config', b!])
    }
  })
})
