// Migration day (issue 10): the seed's configuration as operators already have it, through the built CLI. chat_ids
// in every form old deployments hold, the seed's fallback to TELEGRAM_BOT_TOKEN for any name, a --config path
// that does not exist, a bot whose token cannot be read failing alone, and YAML aliases that would never end.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it, vi} from 'vitest'

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
  REGISTRY_DISPLAY,
  STATUS_CHANNEL,
  useCliWorld,
  writeRegistry,
} from './fixture.js'

// Each test spawns several CLI processes; on a loaded machine they need more than the default 30 s (not a timing assertion).
vi.setConfig({testTimeout: 180_000})

const world = useCliWorld()

/** `[token, chat_id, text]` of every sendMessage the fake Telegram accepted, in arrival order. */
const delivered = () =>
  callsOf(world.api, 'sendMessage')
    .filter((request) => request.status === 200)
    .map((request) => [request.token, request.params.chat_id, request.params.text])

/** A table printed with padded columns, as rows of cells (padding is layout, not content). */
const cells = (text: string) => text.split('\n').map((line) => line.trim().split(/\s{2,}/))

describe('chat_ids in the forms old deployments hold', () => {
  it('TELEGRAM_BOT_CONFIGS: "a, b", "a", a number, or a list of numbers, numeric strings and @channel', async () => {
    const forms: Array<[string, unknown, Array<number | string>]> = [
      ['comma-separated string with spaces', `${OPS_FORUM.id}, ${ON_CALL.id}`, [OPS_FORUM.id, ON_CALL.id]],
      ['one id as a string', String(ON_CALL.id), [ON_CALL.id]],
      ['one id as a number', ON_CALL.id, [ON_CALL.id]],
      ['a list', [OPS_FORUM.id, String(ON_CALL.id), '@fastpay_status'], [OPS_FORUM.id, ON_CALL.id, '@fastpay_status']],
    ]
    const results = await Promise.all(
      forms.map(async ([form, chatIds]) => {
        const env = {TELEGRAM_BOT_CONFIGS: JSON.stringify([{name: 'alerts', token: ALERTS_BOT.token, chat_ids: chatIds}])}
        const [shown, sent] = await Promise.all([
          world.run(['config', 'show', '--bot', 'alerts', '--json'], {env}),
          world.run(['send', '--bot', 'alerts', form], {env}),
        ])
        return {form, shown, sent}
      }),
    )
    for (const [index, {form, shown, sent}] of results.entries()) {
      const expected = forms[index]![2]
      expect({form, exitCode: sent.exitCode, stderr: sent.stderr}).toEqual({form, exitCode: 0, stderr: ''})
      expect((jsonOf(shown) as {chats: {value: unknown}}).chats.value).toEqual(expected)
      const received = delivered().filter(([, , text]) => text === form).map(([token, chat]) => [token, chat])
      expect(received).toEqual(expected.map((chat) => [ALERTS_BOT.token, chat]))
    }
    // `@fastpay_status` is the channel's username: the message reached that channel.
    expect(world.api.messages(STATUS_CHANNEL.id)).toHaveLength(1)
  })

  it('the registry YAML takes the same forms', async () => {
    writeRegistry(
      world.cli,
      `bots:
  - name: pair
    token: ${ALERTS_BOT.token}
    chat_ids: "${OPS_FORUM.id}, ${ON_CALL.id}"
  - name: single
    token: ${DEPLOY_BOT.token}
    chat_ids: ${ON_CALL.id}
  - name: quoted
    token: ${HEALTH_BOT.token}
    chat_ids: "@fastpay_status"
  - name: mixed
    token: ${HEALTH_BOT.token}
    chat_ids: [${OPS_FORUM.id}, "${ON_CALL.id}"]
`,
    )
    const names = ['pair', 'single', 'quoted', 'mixed']
    const results = await Promise.all(names.map((name) => world.run(['send', '--bot', name, name])))
    for (const result of results) expect(result).toMatchObject({stderr: '', exitCode: 0})
    const byText = (text: string) => delivered().filter(([, , sent]) => sent === text).map(([token, chat]) => [token, chat])
    expect(byText('pair')).toEqual([[ALERTS_BOT.token, OPS_FORUM.id], [ALERTS_BOT.token, ON_CALL.id]])
    expect(byText('single')).toEqual([[DEPLOY_BOT.token, ON_CALL.id]])
    expect(byText('quoted')).toEqual([[HEALTH_BOT.token, '@fastpay_status']])
    expect(byText('mixed')).toEqual([[HEALTH_BOT.token, OPS_FORUM.id], [HEALTH_BOT.token, ON_CALL.id]])
  })

  it('a bad element: one line naming TELEGRAM_BOT_CONFIGS[i].chat_ids (or the registry field) and the element, exit 2, nothing sent', async () => {
    const good = {name: 'deploy', token: DEPLOY_BOT.token, chat_ids: String(ON_CALL.id) as never}
    const [inString, inList, inRegistry] = await Promise.all([
      world.run(['send', '--bot', 'alerts', 'hi'], {env: {TELEGRAM_BOT_CONFIGS: envConfigs(good, {name: 'alerts', token: ALERTS_BOT.token, chat_ids: '4242, ops room' as never})}}),
      world.run(['send', 'hi'], {env: {TELEGRAM_BOT_CONFIGS: envConfigs({name: 'alerts', token: ALERTS_BOT.token, chat_ids: [4242, '@ops']})}}),
      (async () => {
        const config = join(world.cli.env.HOME!, 'old.yml')
        writeFileSync(config, `bots:\n  - name: alerts\n    token: ${ALERTS_BOT.token}\n    chat_ids: "${ON_CALL.id},-100x"\n`, {mode: 0o600})
        return world.run(['send', '--config', config, 'hi'])
      })(),
    ])
    expectUsageError(inString, 'Error: TELEGRAM_BOT_CONFIGS[1].chat_ids: expected a chat id (integer) or @username, got "ops room"')
    expectUsageError(inList, 'Error: TELEGRAM_BOT_CONFIGS[0].chat_ids[1]: expected a chat id (integer) or @username, got "@ops"')
    expectUsageError(inRegistry, `Error: ${join(world.cli.env.HOME!, 'old.yml')}: bots[0].chat_ids: expected a chat id (integer) or @username, got "-100x"`)
    expect(world.api.requests).toEqual([])
  })
})

describe('the seed fallback: a name no layer has goes to TELEGRAM_BOT_TOKEN + TELEGRAM_CHAT_IDS', () => {
  const seed = {TELEGRAM_BOT_TOKEN: HEALTH_BOT.token, TELEGRAM_CHAT_IDS: `${ON_CALL.id}`}
  const fallbackLine = 'Warning: no bot named "alerts" in any layer: using TELEGRAM_BOT_TOKEN'

  it('send --bot, alert --channel, deploy --channel, digest --channel: sent with that token, one line on stderr', async () => {
    // Another named bot exists, in the registry and in TELEGRAM_BOT_CONFIGS: neither is "alerts", so neither answers.
    writeRegistry(world.cli, `bots:\n  - name: deploy\n    token: ${DEPLOY_BOT.token}\n    chat_ids: [${OPS_FORUM.id}]\n`)
    const env = {...seed, TELEGRAM_BOT_CONFIGS: envConfigs({name: 'billing', token: ALERTS_BOT.token, chat_ids: [OPS_FORUM.id]})}
    const results = await Promise.all([
      world.run(['send', '--bot', 'alerts', 'by send'], {env}),
      world.run(['alert', 'by alert', '--channel', 'alerts', '--no-host', '--throttle-seconds', '0'], {env}),
      world.run(['deploy', '--status', 'started', '--channel', 'alerts', '--repository', 'fastpay/api', '--environment', 'production'], {env}),
      world.run(['digest', '--channel', 'alerts'], {env}),
    ])
    for (const result of results) {
      expect({exitCode: result.exitCode, stderr: result.stderr}).toEqual({exitCode: 0, stderr: fallbackLine})
    }
    const received = delivered()
    expect(received).toHaveLength(4)
    for (const [token, chat] of received) expect([token, chat]).toEqual([HEALTH_BOT.token, ON_CALL.id])
  })

  it('a disabled registry bot with no lower layer falls back too; config show names the fallback; --json carries it as a warning', async () => {
    writeRegistry(world.cli, `bots:\n  - name: alerts\n    token: ${ALERTS_BOT.token}\n    chat_ids: [${OPS_FORUM.id}]\n    active: false\n`)
    const [shown, shownJson, sentJson] = await Promise.all([
      world.run(['config', 'show', '--bot', 'alerts'], {env: seed}),
      world.run(['config', 'show', '--bot', 'alerts', '--json'], {env: seed}),
      world.run(['send', '--bot', 'alerts', '--json', 'disabled'], {env: seed}),
    ])
    const line = `Warning: no active bot named "alerts" in any layer (disabled in ${REGISTRY_DISPLAY}): using TELEGRAM_BOT_TOKEN`
    expect(shown.stderr).toBe(line)
    expect(cells(shown.stdout).slice(0, 3)).toEqual([
      ['bot', '(unnamed)', '← layer env-token: fallback, no bot named "alerts" in any layer'],
      ['token', '5123987654:AA…0R', '← env TELEGRAM_BOT_TOKEN'],
      ['chats', String(ON_CALL.id), '← env TELEGRAM_CHAT_IDS'],
    ])
    expect(jsonOf(shownJson)).toMatchObject({
      bot: {layer: 'env-token', fallbackFor: 'alerts'},
      token: {source: 'env TELEGRAM_BOT_TOKEN'},
      chats: {value: [ON_CALL.id], source: 'env TELEGRAM_CHAT_IDS'},
      warnings: [line.slice('Warning: '.length)],
    })
    expect(sentJson.exitCode).toBe(0)
    expect(jsonOf(sentJson)).toMatchObject({bot: 'env TELEGRAM_BOT_TOKEN', warnings: [line.slice('Warning: '.length)]})
    expect(delivered()).toEqual([[HEALTH_BOT.token, ON_CALL.id, 'disabled']])
  })

  it('a seed-only setup (one token, no named bot) on a door\'s default channel is the seed as designed: no warning', async () => {
    const [alert, deploy] = await Promise.all([
      world.run(['alert', 'Disk full', '--no-host'], {env: seed}),
      world.run(['deploy', '--status', 'started', '--repository', 'fastpay/api', '--environment', 'production'], {env: seed}),
    ])
    expect([alert.exitCode, alert.stderr, deploy.exitCode, deploy.stderr]).toEqual([0, '', 0, ''])
    expect(delivered().map(([token, chat]) => [token, chat])).toEqual([[HEALTH_BOT.token, ON_CALL.id], [HEALTH_BOT.token, ON_CALL.id]])
  })

  it('without TELEGRAM_BOT_TOKEN: the clear error, exit 2, nothing sent', async () => {
    writeRegistry(world.cli, `bots:\n  - name: alerts\n    token: ${ALERTS_BOT.token}\n    active: false\n`)
    const [unknown, disabled] = await Promise.all([
      world.run(['send', '--bot', 'payments', 'hi'], {env: {TELEGRAM_CHAT_IDS: String(ON_CALL.id)}}),
      world.run(['send', '--bot', 'alerts', 'hi']),
    ])
    expectUsageError(unknown, `Error: unknown bot "payments": not in ${REGISTRY_DISPLAY} nor TELEGRAM_BOT_CONFIGS`)
    expectUsageError(disabled, `Error: bot "alerts" is disabled in ${REGISTRY_DISPLAY}: enable it with fastpay-tg bots enable alerts`)
    expect(world.api.requests).toEqual([])
  })
})

describe('values an env file kept in quotes', () => {
  // `docker run --env-file` passes TELEGRAM_BOT_TOKEN="123:AB…" with its quotes (compose, systemd and dotenv readers
  // drop them). The token in quotes got 401 and "the bot token is wrong (ask @BotFather)": advice that revokes a
  // token the old backend still uses.
  it('TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_IDS and TELEGRAM_BOT_CONFIGS in one pair of quotes are read without them', async () => {
    const seed = await world.run(['send', 'from the env file'], {env: {TELEGRAM_BOT_TOKEN: `"${ALERTS_BOT.token}"`, TELEGRAM_CHAT_IDS: `'${ON_CALL.id},${OPS_FORUM.id}'`}})
    expect([seed.exitCode, seed.stderr]).toEqual([0, ''])
    const configs = `"${envConfigs({name: 'deploy', token: DEPLOY_BOT.token, chat_ids: [ON_CALL.id]})}"`
    const named = await world.run(['send', '--bot', 'deploy', 'named'], {env: {TELEGRAM_BOT_CONFIGS: configs}})
    expect([named.exitCode, named.stderr]).toEqual([0, ''])
    expect(delivered()).toEqual([
      [ALERTS_BOT.token, ON_CALL.id, 'from the env file'],
      [ALERTS_BOT.token, OPS_FORUM.id, 'from the env file'],
      [DEPLOY_BOT.token, ON_CALL.id, 'named'],
    ])
  })
})

describe('--config or FASTPAY_TG_CONFIG naming a file that does not exist', () => {
  it('one line naming the path, exit 2, for every command that reads it (even with --token); nothing sent', async () => {
    const missing = join(world.cli.env.HOME!, 'typo', 'config.yml')
    const line = `Error: ${missing} does not exist (named by --config or FASTPAY_TG_CONFIG): fix the path, or create it with fastpay-tg bots add`
    const seed = {TELEGRAM_BOT_TOKEN: HEALTH_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id)}
    const results = await Promise.all([
      world.run(['send', '--config', missing, 'hi'], {env: seed}),
      world.run(['send', '--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id), 'hi'], {env: {FASTPAY_TG_CONFIG: missing}}),
      world.run(['config', 'show'], {env: {...seed, FASTPAY_TG_CONFIG: missing}}),
      world.run(['bots', 'list', '--config', missing]),
      world.run(['bots', 'disable', 'alerts', '--config', missing]),
      world.run(['alert', 'Disk full', '--config', missing], {env: seed}),
    ])
    for (const result of results) expectUsageError(result, line)
    expect(world.api.requests).toEqual([])
  })
})

describe('a bot whose token cannot be read fails alone', () => {
  const registry = `bots:
  - name: alerts
    id: 1
    token: ${ALERTS_BOT.token}
    chat_ids: [${ON_CALL.id}]
  - name: deploy
    id: 2
    token: \${DEPLOY_BOT_TOKEN}
    chat_ids: [${OPS_FORUM.id}]
  - name: health
    id: 3
    token: ${HEALTH_BOT.token}
`

  it('bots validate: one failure line for it, the others validated, exit 2 as config show for that bot', async () => {
    writeRegistry(world.cli, registry)
    const [human, json] = await Promise.all([world.run(['bots', 'validate']), world.run(['bots', 'validate', '--json'])])
    expect(human).toEqual({
      stdout: [`alerts: ok, @${ALERTS_BOT.username} (id ${ALERTS_BOT.id})`, `health: ok, @${HEALTH_BOT.username} (id ${HEALTH_BOT.id})`].join('\n'),
      stderr: 'Error: deploy: takes its token from ${DEPLOY_BOT_TOKEN}, which is not set',
      exitCode: 2,
    })
    expect(json.exitCode).toBe(2)
    expect((jsonOf(json) as {bots: unknown[]}).bots).toEqual([
      {bot: 'alerts', ok: true, me: {id: ALERTS_BOT.id, username: ALERTS_BOT.username, first_name: ALERTS_BOT.first_name}},
      {bot: 'deploy', ok: false, error: {code: 'usage', message: 'takes its token from ${DEPLOY_BOT_TOKEN}, which is not set', exitCode: 2}},
      {bot: 'health', ok: true, me: {id: HEALTH_BOT.id, username: HEALTH_BOT.username, first_name: HEALTH_BOT.first_name}},
    ])
    expect(callsOf(world.api, 'getMe').map((request) => request.token).sort()).toEqual([ALERTS_BOT.token, ALERTS_BOT.token, HEALTH_BOT.token, HEALTH_BOT.token].sort())
  })

  it('bots validate NAME: exit 2 with the code and exit code config show gives for that bot (${VAR} unset, keychain entry gone)', async () => {
    for (const token of ['${DEPLOY_BOT_TOKEN}', 'keychain:validate-gone']) {
      writeRegistry(world.cli, registry.replace('${DEPLOY_BOT_TOKEN}', token))
      const [human, json, shown] = await Promise.all([
        world.run(['bots', 'validate', 'deploy']),
        world.run(['bots', 'validate', 'deploy', '--json']),
        world.run(['config', 'show', '--bot', 'deploy', '--json']),
      ])
      const report = jsonOf(shown) as {token: {problem: string}; error: {code: string; exitCode: number}}
      expect([token, shown.exitCode, report.error.exitCode]).toEqual([token, 2, 2])
      expect([token, human]).toEqual([token, {stdout: '', stderr: `Error: deploy: ${report.token.problem}`, exitCode: 2}])
      expect([token, json.exitCode]).toEqual([token, 2])
      expect((jsonOf(json) as {bots: unknown[]}).bots).toEqual([
        {bot: 'deploy', ok: false, error: {code: report.error.code, message: report.token.problem, exitCode: report.error.exitCode}},
      ])
    }
    expect(callsOf(world.api, 'getMe')).toEqual([])
  })

  it('bots list shows it with its problem; the others as usual', async () => {
    writeRegistry(world.cli, registry)
    const [listed, json] = await Promise.all([world.run(['bots', 'list']), world.run(['bots', 'list', '--json'])])
    expect(listed.exitCode).toBe(0)
    expect(cells(listed.stdout)).toEqual([
      ['NAME', 'ID', 'STATE', 'TOKEN', 'CHATS', 'BOT', 'TOKEN SOURCE'],
      ['* alerts', '1', 'active', '7012345678:AA…1U', String(ON_CALL.id), `registry ${REGISTRY_DISPLAY} bots[0] (alerts)`],
      ['deploy', '2', 'no token', '(DEPLOY_BOT_TOKEN is not set)', String(OPS_FORUM.id), 'env ${DEPLOY_BOT_TOKEN}'],
      ['health', '3', 'active', '5123987654:AA…0R', '-', `registry ${REGISTRY_DISPLAY} bots[2] (health)`],
    ])
    expect(listed.stderr).toBe('Warning: deploy: takes its token from ${DEPLOY_BOT_TOKEN}, which is not set')
    const deploy = (jsonOf(json) as {bots: Array<{name: string}>}).bots.find((bot) => bot.name === 'deploy')
    expect(deploy).toMatchObject({token: '(DEPLOY_BOT_TOKEN is not set)', problem: 'takes its token from ${DEPLOY_BOT_TOKEN}, which is not set'})
  })
})

describe('YAML aliases that never end (issue 11, item 12)', () => {
  const bomb = [
    'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
    'g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]',
  ].join('\n')

  it('an alias bomb or a circular alias in the registry or a monitors file: one line naming the file, exit 2', async () => {
    const home = world.cli.env.HOME!
    const files: Record<'bomb' | 'circular' | 'monitors' | 'circularMonitors', [string, string]> = {
      bomb: [join(home, 'bomb.yml'), `${bomb}\nbots: []\n`],
      circular: [join(home, 'circular.yml'), `bots:\n  - name: alerts\n    token: ${ALERTS_BOT.token}\n    chat_ids: &ids [4242, *ids]\n`],
      monitors: [join(home, 'monitors.yml'), `${bomb}\nchecks: []\n`],
      circularMonitors: [join(home, 'loop.yml'), 'checks: &c\n  - *c\n'],
    }
    for (const [path, text] of Object.values(files)) writeFileSync(path, text)
    const [bombed, circular, monitors, circularMonitors] = await Promise.all([
      world.run(['send', '--config', files.bomb[0], 'hi']),
      world.run(['bots', 'list', '--config', files.circular[0]]),
      world.run(['monitor', 'run', '--file', files.monitors[0]]),
      world.run(['monitor', 'run', '--file', files.circularMonitors[0]]),
    ])
    const tooFar = 'YAML aliases expand too far (over 100 nodes through aliases): refused as an alias bomb'
    const loop = 'a YAML alias is used inside its own anchor (a circular alias)'
    expectUsageError(bombed, `Error: ${files.bomb[0]}: ${tooFar}`)
    expectUsageError(circular, `Error: ${files.circular[0]}: ${loop}`)
    // The monitors file is read by js-yaml (monitor's own reader), which guards against the same two in its words.
    expectUsageError(monitors, `Error: ${files.monitors[0]}: YAML aliases expand too far (an alias bomb?)`)
    expectUsageError(circularMonitors, `Error: ${files.circularMonitors[0]}: a YAML alias refers to the collection it is in`)
  })
})
