// `webhook register | info | delete` as a user runs them: the built CLI against the fake Bot API. Every check looks
// at what Telegram received, and inputs Telegram would refuse never reach it.
import {existsSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {jsonPathFor} from '../../src/store/file/locked-json.js'
import {closedPort} from '../api/fixture.js'
import {filesUnder} from '../helpers/files-under.js'
import {createCliSandbox} from '../helpers/run-cli.js'
import {connectRedis, redisForTests} from '../store/redis-server.js'
import {STORED_SECRET_KEY} from '../../src/webhook/webhook-secret.js'
import {ALERTS_BOT, ANA, ANA_CHAT, callsOf, DEPLOY_BOT, expectNoToken, expectUsageError, HEALTH_BOT, messageUpdate, REGISTRY, SECRET, useWorld, writeRegistry} from './fixture.js'
import {useServeProcesses} from './serve-process.js'

const world = useWorld()
const startServe = useServeProcesses()

const DEFAULT_UPDATES = 'Telegram default (all but chat_member, message_reaction, message_reaction_count)'

function infoBlock(bot: string, url: string, extra: {maxConnections?: number; allowed?: string} = {}): string[] {
  return [
    `${bot}: webhook set`,
    `  url               ${url}`,
    '  pending updates   0',
    '  last error        none',
    `  max connections   ${extra.maxConnections ?? 40}`,
    `  allowed updates   ${extra.allowed ?? DEFAULT_UPDATES}`,
    '  ip address        149.154.167.220',
  ]
}

const setWebhookParams = () => callsOf(world.api, 'setWebhook').map((request) => ({token: request.token, ...request.params}))

describe('webhook register: the base URL', () => {
  const allBases = {TELEGRAM_WEBHOOK_BASE_URL: 'https://hooks.example.com', SITE_URL: 'https://www.example.com', TELEGRAM_WEBHOOK_SECRET: SECRET}

  it('--base-url beats both variables; the path is <base>/api/telegram/webhook/<registry id>/', async () => {
    writeRegistry(world.cli, REGISTRY)
    const result = await world.run(['webhook', 'register', '--bot', 'alerts', '--base-url', 'https://ops.example.com/tg/'], allBases)
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    expect(result.stdout.split('\n')).toEqual(infoBlock('alerts', 'https://ops.example.com/tg/api/telegram/webhook/1/'))
    expect(setWebhookParams()).toEqual([{token: ALERTS_BOT.token, url: 'https://ops.example.com/tg/api/telegram/webhook/1/', secret_token: SECRET}])
  })

  it('TELEGRAM_WEBHOOK_BASE_URL beats SITE_URL; --bot by registry id works too', async () => {
    writeRegistry(world.cli, REGISTRY)
    const result = await world.run(['webhook', 'register', '--bot', '2'], allBases)
    expect(result.exitCode).toBe(0)
    expect(result.stdout.split('\n')).toEqual(infoBlock('deploy', 'https://hooks.example.com/api/telegram/webhook/2/'))
    expect(setWebhookParams()).toEqual([{token: DEPLOY_BOT.token, url: 'https://hooks.example.com/api/telegram/webhook/2/', secret_token: SECRET}])
  })

  it('SITE_URL when nothing else is given; a bot outside the registry uses its Telegram id', async () => {
    const result = await world.run(['webhook', 'register', '--token', HEALTH_BOT.token], {SITE_URL: 'https://www.example.com:8443', TELEGRAM_WEBHOOK_SECRET: SECRET})
    expect(result.exitCode).toBe(0)
    const url = `https://www.example.com:8443/api/telegram/webhook/${HEALTH_BOT.id}/`
    expect(result.stdout.split('\n')).toEqual(infoBlock('flag --token', url))
    expect(callsOf(world.api, 'getMe')).toHaveLength(1)
    expect(setWebhookParams()).toEqual([{token: HEALTH_BOT.token, url, secret_token: SECRET}])
    expectNoToken(result.stdout, result.stderr)
  })

  it('no base anywhere: one line naming the three places, and no call', async () => {
    writeRegistry(world.cli, REGISTRY)
    const result = await world.run(['webhook', 'register', '--bot', 'alerts'], {TELEGRAM_WEBHOOK_SECRET: SECRET})
    expectUsageError(result, 'Error: no webhook base URL: pass --base-url, or set TELEGRAM_WEBHOOK_BASE_URL or SITE_URL')
    expect(world.api.requests).toEqual([])
  })

  it.each([
    [['--base-url', 'http://ops.example.com'], {}, 'Error: --base-url: the webhook URL must use https (Telegram refuses http), got "http://ops.example.com"'],
    [[], {SITE_URL: 'http://www.example.com'}, 'Error: SITE_URL: the webhook URL must use https (Telegram refuses http), got "http://www.example.com"'],
    [[], {TELEGRAM_WEBHOOK_BASE_URL: 'https://ops.example.com:8080'}, 'Error: TELEGRAM_WEBHOOK_BASE_URL: port 8080 is not one Telegram posts to (443, 80, 88 or 8443), got "https://ops.example.com:8080"'],
    [['--base-url', 'ops.example.com'], {}, 'Error: --base-url: "ops.example.com" is not a URL (expected https://host[:port][/path])'],
    [['--base-url', 'https://ops.example.com/?x=1'], {}, 'Error: --base-url: expected a base URL without ?query or #fragment, got "https://ops.example.com/?x=1"'],
    // The webhook path is added to the base: a base that already holds it gave .../api/telegram/webhook/api/telegram/webhook/1/.
    [[], {SITE_URL: 'https://x.example.com/api/telegram/webhook/'}, 'Error: SITE_URL: give the site\'s base URL (https://x.example.com): /api/telegram/webhook/<bot_id>/ is added to it, got "https://x.example.com/api/telegram/webhook/"'],
    [[], {TELEGRAM_WEBHOOK_BASE_URL: 'https://x.example.com/tg/api/telegram/webhook'}, 'Error: TELEGRAM_WEBHOOK_BASE_URL: give the site\'s base URL (https://x.example.com/tg): /api/telegram/webhook/<bot_id>/ is added to it, got "https://x.example.com/tg/api/telegram/webhook"'],
    [['--base-url', 'https://x.example.com/api/telegram/webhook/1/'], {}, 'Error: --base-url: give the site\'s base URL (https://x.example.com): /api/telegram/webhook/<bot_id>/ is added to it, got "https://x.example.com/api/telegram/webhook/1/"'],
  ])('refuses %j %j before calling Telegram', async (args, env, line) => {
    writeRegistry(world.cli, REGISTRY)
    const result = await world.run(['webhook', 'register', '--bot', 'alerts', ...args], {TELEGRAM_WEBHOOK_SECRET: SECRET, ...env})
    expectUsageError(result, line)
    expect(world.api.requests).toEqual([])
  })
})

describe('webhook register: the secret and the options', () => {
  const base = ['webhook', 'register', '--bot', 'alerts', '--base-url', 'https://ops.example.com']

  it.each([
    ['has a space!', 'Error: TELEGRAM_WEBHOOK_SECRET: expected 1-256 characters from A-Z a-z 0-9 _ - (it has characters not allowed: U+0020, "!")'],
    ['a'.repeat(257), 'Error: TELEGRAM_WEBHOOK_SECRET: expected 1-256 characters from A-Z a-z 0-9 _ - (it has 257)'],
    ['sécret', 'Error: TELEGRAM_WEBHOOK_SECRET: expected 1-256 characters from A-Z a-z 0-9 _ - (it has a character not allowed: "é")'],
  ])('a secret Telegram would refuse (%s) is one line that does not quote it', async (secret, line) => {
    writeRegistry(world.cli, REGISTRY)
    const result = await world.run(base, {TELEGRAM_WEBHOOK_SECRET: secret})
    expectUsageError(result, line)
    expect(world.api.requests).toEqual([])
  })

  // An env file written on Windows (CRLF) or passed by `docker run --env-file` (quotes kept): read as the other
  // TELEGRAM_* variables are, it was "a character not allowed: U+000D".
  it('the secret is read trimmed and without one pair of quotes, as the other TELEGRAM_* variables', async () => {
    writeRegistry(world.cli, REGISTRY)
    const results = await Promise.all([`${SECRET}\r`, ` ${SECRET} `, `"${SECRET}"`].map((secret) => world.run(base, {TELEGRAM_WEBHOOK_SECRET: secret})))
    for (const result of results) expect({stderr: result.stderr, exitCode: result.exitCode}).toEqual({stderr: '', exitCode: 0})
    expect(callsOf(world.api, 'setWebhook').map((request) => request.params.secret_token)).toEqual([SECRET, SECRET, SECRET])
  })

  it('a 256-character secret is accepted as given', async () => {
    writeRegistry(world.cli, REGISTRY)
    const longest = 'a'.repeat(256)
    expect((await world.run(base, {TELEGRAM_WEBHOOK_SECRET: longest})).exitCode).toBe(0)
    expect(callsOf(world.api, 'setWebhook').map((request) => request.params.secret_token)).toEqual([longest])
  })

  it('no TELEGRAM_WEBHOOK_SECRET: a random secret is generated once, kept 0600, given to Telegram, and serve uses it', async () => {
    writeRegistry(world.cli, REGISTRY)
    const first = await world.run(base)
    expect([first.exitCode, first.stderr]).toEqual([0, ''])
    const storedIn = `generated a webhook secret and stored it in ${world.cli.stateDir} (0600); webhook serve reads it there (or set TELEGRAM_WEBHOOK_SECRET)`
    expect(first.stdout.split('\n')[0]).toBe(storedIn)
    const again = await world.run(['webhook', 'register', '--bot', 'deploy', '--base-url', 'https://ops.example.com'])
    expect(again.stdout.split('\n')[0]).toBe(`using the webhook secret stored in ${world.cli.stateDir} (0600); webhook serve reads it there (or set TELEGRAM_WEBHOOK_SECRET)`)
    const [generated, reused] = callsOf(world.api, 'setWebhook').map((request) => String(request.params.secret_token))
    expect(generated).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(reused).toBe(generated)
    const file = jsonPathFor(join(world.cli.stateDir, 'state'), STORED_SECRET_KEY)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    for (const text of [first.stdout, first.stderr, again.stdout, again.stderr]) expect(text).not.toContain(generated)

    const server = await startServe(world.cli, [], {TELEGRAM_WEBHOOK_SECRET: undefined})
    expect(server.stderr()).toBe('')
    const help = messageUpdate(1, ANA_CHAT, ANA, '/help')
    expect(await server.post(1, help)).toEqual({status: 401, text: 'wrong or missing secret token header\n'})
    expect(await server.post(1, help, {'X-Telegram-Bot-Api-Secret-Token': generated!})).toEqual({status: 200, text: ''})
    await server.waitForLine(/\/help in chat 4242: replied$/)
    const stopped = await server.stop()
    expect(`${stopped.stdout}${stopped.stderr}`).not.toContain(generated)
  })

  it('Redis unreachable: nothing is registered, exit 3, since the fleet\'s secret lives there', async () => {
    writeRegistry(world.cli, REGISTRY)
    const store = `redis://:s3cret-pass@127.0.0.2:${await closedPort()}/0`
    const plain = await world.run(base, {FASTPAY_TG_STORE: store})
    const json = await world.run([...base, '--json'], {FASTPAY_TG_STORE: store})
    const line = new RegExp(
      '^store redis://:\\*\\*\\*@127\\.0\\.0\\.2:\\d+/0 unreachable \\(.+\\), and the webhook secret is kept there: ' +
        'nothing was registered; run again once it answers, or set TELEGRAM_WEBHOOK_SECRET$',
    )
    expect([plain.exitCode, plain.stdout]).toEqual([3, ''])
    expect(plain.stderr).toMatch(/^Error: /)
    expect(plain.stderr.slice('Error: '.length)).toMatch(line)
    const {error} = JSON.parse(json.stdout) as {error: {code: string; message: string; exitCode: number}}
    expect([json.exitCode, json.stderr, error.code, error.exitCode]).toEqual([3, '', 'unreachable', 3])
    expect(error.message).toMatch(line)
    // Telegram was not asked, and no secret was made on this host alone.
    expect(world.api.requests).toEqual([])
    expect(existsSync(jsonPathFor(join(world.cli.stateDir, 'state'), STORED_SECRET_KEY))).toBe(false)
    for (const text of [plain.stderr, json.stdout]) expect(text).not.toContain('s3cret-pass')
  })

  // A wrong password was "unreachable …; run again once it answers", exit 3: no run mends it.
  it('Redis refuses the password: register and serve stop with exit 2 saying so, nothing registered', async (context) => {
    const guarded = await redisForTests({own: true, args: ['--requirepass', 'right-pass']})
    if (!guarded.redis) return context.skip(guarded.skip)
    try {
      writeRegistry(world.cli, REGISTRY)
      const {port} = new URL(guarded.redis.url)
      const env = {FASTPAY_TG_STORE: `redis://:wrong-s3cret@127.0.0.1:${port}/0`, TELEGRAM_WEBHOOK_SECRET: undefined}
      const refusal = `store redis://:***@127.0.0.1:${port}/0 refused the password (WRONGPASS invalid username-password pair or user is disabled.): set the right one in env FASTPAY_TG_STORE; the webhook secret is kept there`
      const registered = await world.run(base, env)
      expect([registered.exitCode, registered.stdout]).toEqual([2, ''])
      expect(registered.stderr.split('\n').at(-1)).toBe(`Error: ${refusal}: nothing was registered`)
      const served = await world.run(['webhook', 'serve', '--port', '0'], env)
      expect([served.exitCode, served.stdout]).toEqual([2, ''])
      expect(served.stderr).toBe(`Error: ${refusal}: not serving (--insecure-no-secret serves without one)`)
      for (const text of [registered.stderr, served.stderr]) expect(text).not.toContain('wrong-s3cret')
      expect(world.api.requests).toEqual([])
    } finally {
      await guarded.redis.stop()
    }
  })

  it('Redis unreachable: serve does not start on a secret of this host alone (exit 3), but does with the variable', async () => {
    writeRegistry(world.cli, REGISTRY)
    const store = `redis://:s3cret-pass@127.0.0.2:${await closedPort()}/0`
    const refused = await world.run(['webhook', 'serve', '--port', '0'], {FASTPAY_TG_STORE: store, TELEGRAM_WEBHOOK_SECRET: undefined})
    expect([refused.exitCode, refused.stdout]).toEqual([3, ''])
    // One line: the error names the store (its warning that it fell back to the files would say it twice).
    expect(refused.stderr.split('\n')).toEqual([
      expect.stringMatching(
        /^Error: store redis:\/\/:\*\*\*@127\.0\.0\.2:\d+\/0 unreachable \(.+\), and the webhook secret is kept there: not serving \(--insecure-no-secret serves without one\); run again once it answers, or set TELEGRAM_WEBHOOK_SECRET$/,
      ),
    ])
    expect(refused.stderr).not.toContain('s3cret-pass')

    const server = await startServe(world.cli, [], {FASTPAY_TG_STORE: store, TELEGRAM_WEBHOOK_SECRET: SECRET})
    const help = messageUpdate(1, ANA_CHAT, ANA, '/help')
    expect(await server.post(1, help, {'X-Telegram-Bot-Api-Secret-Token': SECRET})).toEqual({status: 200, text: ''})
    await server.waitForLine(/\/help in chat 4242: replied$/)
    expect(server.stderr()).toMatch(/unreachable .*; using the file store in /)
    await server.stop()

    const insecure = await startServe(world.cli, ['--insecure-no-secret'], {FASTPAY_TG_STORE: store, TELEGRAM_WEBHOOK_SECRET: undefined})
    expect(await insecure.post(1, messageUpdate(2, ANA_CHAT, ANA, '/help'))).toEqual({status: 200, text: ''})
    await insecure.waitForLine(/\/help in chat 4242: replied$/)
    await insecure.stop()
  })

  it('Redis reachable and no variable: register keeps the secret there, and serve on another host sharing only Redis uses it', async (context) => {
    const available = await redisForTests()
    if (!available.redis) return context.skip(available.skip)
    const redis = await connectRedis(available.redis.url)
    // The secret's key under the CLI's own prefix: start from none (a shared Redis may hold an earlier run's).
    const forget = async () => {
      const keys = await redis.keys('fastpay-tg:*webhook/secret*')
      if (keys.length > 0) await redis.del(...keys)
    }
    const otherHost = createCliSandbox(world.api.url)
    try {
      await forget()
      writeRegistry(world.cli, REGISTRY)
      writeRegistry(otherHost, REGISTRY)
      const store = {FASTPAY_TG_STORE: available.redis.url, TELEGRAM_WEBHOOK_SECRET: undefined}
      const registered = await world.run(base, store)
      expect([registered.exitCode, registered.stderr]).toEqual([0, ''])
      expect(registered.stdout.split('\n')[0]).toBe('generated a webhook secret and stored it in the Redis store; webhook serve reads it there (or set TELEGRAM_WEBHOOK_SECRET)')
      const secret = String(callsOf(world.api, 'setWebhook')[0]!.params.secret_token)
      expect(filesUnder(world.cli.stateDir).filter((path) => path.includes('secret'))).toEqual([])

      const server = await startServe(otherHost, [], store)
      const help = messageUpdate(3, ANA_CHAT, ANA, '/help')
      expect(await server.post(1, help)).toEqual({status: 401, text: 'wrong or missing secret token header\n'})
      expect(await server.post(1, help, {'X-Telegram-Bot-Api-Secret-Token': secret})).toEqual({status: 200, text: ''})
      await server.waitForLine(/\/help in chat 4242: replied$/)
      await server.stop()
    } finally {
      await forget()
      await redis.quit()
      otherHost.cleanup()
      // A redis-server this test started (no REDIS_URL) outlived the run.
      if (available.redis.own) await available.redis.stop()
    }
  })

  it('--drop-pending-updates, --allowed-updates and --max-connections reach Telegram and show in the info', async () => {
    writeRegistry(world.cli, REGISTRY)
    const result = await world.run([...base, '--drop-pending-updates', '--allowed-updates', 'message, callback_query', '--max-connections', '5'], {TELEGRAM_WEBHOOK_SECRET: SECRET})
    expect(result.exitCode).toBe(0)
    expect(setWebhookParams()).toEqual([{
      token: ALERTS_BOT.token,
      url: 'https://ops.example.com/api/telegram/webhook/1/',
      secret_token: SECRET,
      drop_pending_updates: true,
      allowed_updates: ['message', 'callback_query'],
      max_connections: 5,
    }])
    expect(result.stdout.split('\n')).toEqual(infoBlock('alerts', 'https://ops.example.com/api/telegram/webhook/1/', {maxConnections: 5, allowed: 'message, callback_query'}))
  })

  it.each([
    [['--max-connections', '101'], 'Error: --max-connections: expected an integer from 1 to 100, got 101'],
    [['--max-connections', '0'], 'Error: --max-connections: expected an integer from 1 to 100, got 0'],
    [['--allowed-updates', 'message,Callback-Query'], 'Error: --allowed-updates: expected update types like message,callback_query, got "Callback-Query"'],
  ])('%j is refused before any call', async (args, line) => {
    writeRegistry(world.cli, REGISTRY)
    expectUsageError(await world.run([...base, ...args], {TELEGRAM_WEBHOOK_SECRET: SECRET}), line)
    expect(world.api.requests).toEqual([])
  })
})

describe('webhook register --all', () => {
  const threeBots = `${REGISTRY}  - name: health
    id: 3
    token: ${HEALTH_BOT.token}
  - name: legacy
    id: 4
    token: \${LEGACY_TOKEN_UNSET}
    active: false
`
  const env = {TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_WEBHOOK_BASE_URL: 'https://ops.example.com'}

  it('one bot refused: the others are still registered, each is reported, exit 1', async () => {
    writeRegistry(world.cli, threeBots)
    // Bots are registered one after the other in registry order, so the first setWebhook is alerts'.
    world.api.failNext({method: 'setWebhook', kind: {status: 400, description: 'Bad Request: bad webhook: Failed to resolve host: Name or service not known'}})
    const result = await world.run(['webhook', 'register', '--all'], env)
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toBe("Error: alerts: Call to 'setWebhook' failed (400: Bad Request: bad webhook: Failed to resolve host: Name or service not known)")
    expect(result.stdout.split('\n')).toEqual([
      ...infoBlock('deploy', 'https://ops.example.com/api/telegram/webhook/2/'),
      ...infoBlock('health', 'https://ops.example.com/api/telegram/webhook/3/'),
    ])
    const answered = callsOf(world.api, 'setWebhook').map((request) => [request.token, request.params.url, request.status])
    expect(answered).toEqual([
      [ALERTS_BOT.token, 'https://ops.example.com/api/telegram/webhook/1/', 400],
      [DEPLOY_BOT.token, 'https://ops.example.com/api/telegram/webhook/2/', 200],
      [HEALTH_BOT.token, 'https://ops.example.com/api/telegram/webhook/3/', 200],
    ])
    expectNoToken(result.stdout, result.stderr)
  })

  it('--json reports every bot, failures included', async () => {
    writeRegistry(world.cli, threeBots.replace(HEALTH_BOT.token, '4000000001:AAHx9Kq2Lm7Np3Rs8Tv4Wx1Yz6Ab5Cd0Ef2'))
    const result = await world.run(['webhook', 'register', '--all', '--json'], env)
    expect(result.exitCode).toBe(1)
    const report = JSON.parse(result.stdout) as {bots: Array<{bot: string; ok: boolean; webhookId?: number; error?: {message: string; exitCode: number}; info?: {url: string}}>}
    expect(report.bots.map((bot) => [bot.bot, bot.ok, bot.webhookId, bot.info?.url, bot.error?.message, bot.error?.exitCode])).toEqual([
      ['alerts', true, 1, 'https://ops.example.com/api/telegram/webhook/1/', undefined, undefined],
      ['deploy', true, 2, 'https://ops.example.com/api/telegram/webhook/2/', undefined, undefined],
      ['health', false, undefined, undefined, "Call to 'setWebhook' failed (401: Unauthorized): the bot token is wrong (ask @BotFather)", 1],
    ])
    expectNoToken(result.stdout, result.stderr)
    expect(result.stdout).not.toContain('AAHx9Kq2Lm7Np3Rs8Tv4Wx1Yz6Ab5Cd0Ef2')
  })

  it('with --bot it is a usage error', async () => {
    writeRegistry(world.cli, threeBots)
    const result = await world.run(['webhook', 'register', '--all', '--bot', 'alerts'], env)
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('--bot=alerts cannot also be provided when using --all')
    expect(world.api.requests).toEqual([])
  })
})

describe('webhook info and delete', () => {
  it('info shows the url, pending count, last error with its date, max connections and allowed updates', async () => {
    writeRegistry(world.cli, REGISTRY)
    await world.run(['webhook', 'register', '--bot', 'alerts', '--base-url', 'https://ops.example.com', '--allowed-updates', 'message'], {TELEGRAM_WEBHOOK_SECRET: SECRET})
    world.api.pushUpdate({message: {message_id: 1, date: 1, chat: {id: 4242, type: 'private', first_name: 'Ana'}, from: {id: 4242, is_bot: false, first_name: 'Ana'}, text: 'hi'}}, ALERTS_BOT.token)
    world.api.setWebhookError('Wrong response from the webhook: 502 Bad Gateway', ALERTS_BOT.token)
    const result = await world.run(['webhook', 'info', '--bot', 'alerts'])
    expect(result.exitCode).toBe(0)
    const lines = result.stdout.split('\n')
    expect(lines.slice(0, 3)).toEqual(['alerts: webhook', '  url               https://ops.example.com/api/telegram/webhook/1/', '  pending updates   1'])
    expect(lines[3]).toMatch(/^ {2}last error {8}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: Wrong response from the webhook: 502 Bad Gateway$/)
    expect(lines.slice(4)).toEqual(['  max connections   40', '  allowed updates   message', '  ip address        149.154.167.220', '  kept updates      none'])
  })

  it('delete says what was set, passes --drop-pending-updates, and info then shows none', async () => {
    writeRegistry(world.cli, REGISTRY)
    await world.run(['webhook', 'register', '--bot', 'deploy', '--base-url', 'https://ops.example.com'], {TELEGRAM_WEBHOOK_SECRET: SECRET})
    const deleted = await world.run(['webhook', 'delete', '--bot', 'deploy', '--drop-pending-updates'])
    expect(deleted.stdout).toBe('deploy: webhook https://ops.example.com/api/telegram/webhook/2/ deleted; getUpdates (discover) works again')
    expect(callsOf(world.api, 'deleteWebhook').map((request) => request.params)).toEqual([{drop_pending_updates: true}])
    const again = await world.run(['webhook', 'delete', '--bot', 'deploy'])
    expect(again.stdout).toBe('deploy: no webhook was set')
    const info = await world.run(['webhook', 'info', '--bot', 'deploy'])
    expect(info.stdout.split('\n')).toEqual([
      'deploy: webhook',
      '  url               none: no webhook is set (getUpdates and `discover` work)',
      '  pending updates   0',
      '  kept updates      none',
    ])
  })

  it("a getMe that fails (a bot outside the registry) costs only the kept updates' line, not what Telegram said", async () => {
    world.api.failNext({method: 'getMe', kind: {status: 400}, times: 1})
    const result = await world.run(['webhook', 'info', '--token', ALERTS_BOT.token])
    expect(result.exitCode).toBe(0)
    expect(result.stdout.split('\n').slice(0, 2)).toEqual(['flag --token: webhook', '  url               none: no webhook is set (getUpdates and `discover` work)'])
    expect(result.stdout).not.toContain('kept updates')
    expect(result.stderr).toMatch(/^Warning: flag --token: kept updates not read: .*getMe.*$/)
  })

  it('a revoked token: one line with the hint, exit 1, no token', async () => {
    const revoked = '4000000001:AAHx9Kq2Lm7Np3Rs8Tv4Wx1Yz6Ab5Cd0Ef2'
    const result = await world.run(['webhook', 'info', '--token', revoked])
    expect(result).toEqual({stdout: '', stderr: "Error: flag --token: Call to 'getWebhookInfo' failed (401: Unauthorized): the bot token is wrong (ask @BotFather)", exitCode: 1})
    expect(result.stderr).not.toContain('AAHx9Kq2Lm7Np3Rs8Tv4Wx1Yz6Ab5Cd0Ef2')
  })
})
