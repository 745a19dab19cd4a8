// Config layers as a user meets them: flags > registry YAML > TELEGRAM_BOT_CONFIGS > TELEGRAM_BOT_TOKEN +
// TELEGRAM_CHAT_IDS. Each layer is checked twice: what `config show --json` reports, and which token and chat the
// fake Telegram actually received from a real `send`.
import {describe, expect, it} from 'vitest'

import {
  ALERTS_BOT,
  callsOf,
  type CliWorld,
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

const world = useCliWorld()

const API_ROOT = () => ({value: world.api.url, source: 'env TELEGRAM_API_BASE_URL'})
const REGISTRY_SOURCE = `registry ${REGISTRY_DISPLAY} bots[0] (alerts)`

/** `123456789:AB…yz`, as config show masks a token. */
function masked(token: string): string {
  const [id, secret] = token.split(':') as [string, string]
  return `${id}:${secret.slice(0, 2)}…${secret.slice(-2)}`
}

function registryWithAlerts(active = true): string {
  return `bots:
  - name: alerts
    id: 1
    token: ${ALERTS_BOT.token}
    chat_ids: [${OPS_FORUM.id}]
    active: ${active}
`
}

/** Every lower layer filled with a different bot, so that the token the server sees names the layer used. */
const lowerLayers = {
  TELEGRAM_BOT_CONFIGS: envConfigs({name: 'deploy', token: DEPLOY_BOT.token, chat_ids: [ON_CALL.id]}),
  TELEGRAM_BOT_TOKEN: HEALTH_BOT.token,
  TELEGRAM_CHAT_IDS: String(STATUS_CHANNEL.id),
}

/** Runs `config show --json` and `send` with the same arguments; returns the report and what the server saw. */
async function showAndSend(world: CliWorld, args: string[], env: Record<string, string> = {}) {
  const [shown, sent] = await Promise.all([
    world.run(['config', 'show', '--json', ...args], {env}),
    world.run(['send', 'priority check', ...args], {env}),
  ])
  expect(shown.exitCode, shown.stderr).toBe(0)
  expect(sent.exitCode, sent.stderr).toBe(0)
  const received = callsOf(world.api, 'sendMessage').map((request) => ({token: request.token, chat: request.params.chat_id}))
  return {report: jsonOf(shown), received, sent}
}

describe('config layers, highest first', () => {
  it('flags: --token and --chat beat the registry and both env layers', async () => {
    writeRegistry(world.cli, registryWithAlerts())
    const {report, received} = await showAndSend(world, ['--token', DEPLOY_BOT.token, '--chat', String(ON_CALL.id)], lowerLayers)
    expect(report).toEqual({
      bot: {layer: 'flags'},
      token: {value: masked(DEPLOY_BOT.token), source: 'flag --token'},
      chats: {value: [ON_CALL.id], source: 'flag --chat'},
      apiRoot: API_ROOT(),
      warnings: [],
    })
    expect(received).toEqual([{token: DEPLOY_BOT.token, chat: ON_CALL.id}])
  })

  it('flags: --token with --bot keeps the named bot’s chats but replaces its token', async () => {
    writeRegistry(world.cli, registryWithAlerts())
    const {report, received} = await showAndSend(world, ['--bot', 'alerts', '--token', HEALTH_BOT.token])
    expect(report).toEqual({
      bot: {name: 'alerts', registryId: 1, layer: 'flags'},
      token: {value: masked(HEALTH_BOT.token), source: 'flag --token'},
      chats: {value: [OPS_FORUM.id], source: REGISTRY_SOURCE},
      apiRoot: API_ROOT(),
      registry: REGISTRY_DISPLAY,
      warnings: [],
    })
    expect(received).toEqual([{token: HEALTH_BOT.token, chat: OPS_FORUM.id}])
  })

  it('registry: its first active bot beats TELEGRAM_BOT_CONFIGS and TELEGRAM_BOT_TOKEN', async () => {
    writeRegistry(world.cli, registryWithAlerts())
    const {report, received} = await showAndSend(world, [], lowerLayers)
    expect(report).toEqual({
      bot: {name: 'alerts', registryId: 1, layer: 'registry'},
      token: {value: masked(ALERTS_BOT.token), source: REGISTRY_SOURCE},
      chats: {value: [OPS_FORUM.id], source: REGISTRY_SOURCE},
      apiRoot: API_ROOT(),
      registry: REGISTRY_DISPLAY,
      warnings: [],
    })
    expect(received).toEqual([{token: ALERTS_BOT.token, chat: OPS_FORUM.id}])
  })

  it('registry: a ${VAR} token is read from the environment and its source says so', async () => {
    writeRegistry(world.cli, registryWithAlerts().replace(ALERTS_BOT.token, '${ALERTS_TOKEN}'))
    const {report, received} = await showAndSend(world, ['--bot', 'ALERTS'], {ALERTS_TOKEN: ALERTS_BOT.token})
    expect(report).toMatchObject({
      bot: {name: 'alerts', layer: 'registry'},
      token: {value: masked(ALERTS_BOT.token), source: 'env ${ALERTS_TOKEN}'},
    })
    expect(received).toEqual([{token: ALERTS_BOT.token, chat: OPS_FORUM.id}])
  })

  it('TELEGRAM_BOT_CONFIGS: its first bot beats TELEGRAM_BOT_TOKEN when the registry has none', async () => {
    const {report, received} = await showAndSend(world, [], lowerLayers)
    expect(report).toEqual({
      bot: {name: 'deploy', layer: 'env-configs'},
      token: {value: masked(DEPLOY_BOT.token), source: 'env TELEGRAM_BOT_CONFIGS[0] (deploy)'},
      chats: {value: [ON_CALL.id], source: 'env TELEGRAM_BOT_CONFIGS[0] (deploy)'},
      apiRoot: API_ROOT(),
      warnings: [],
    })
    expect(received).toEqual([{token: DEPLOY_BOT.token, chat: ON_CALL.id}])
  })

  it('TELEGRAM_BOT_TOKEN + TELEGRAM_CHAT_IDS: used when nothing above names a bot', async () => {
    const env = {TELEGRAM_BOT_TOKEN: HEALTH_BOT.token, TELEGRAM_CHAT_IDS: `${STATUS_CHANNEL.id}, @ana_oncall`}
    const {report, received} = await showAndSend(world, [], env)
    expect(report).toEqual({
      bot: {layer: 'env-token'},
      token: {value: masked(HEALTH_BOT.token), source: 'env TELEGRAM_BOT_TOKEN'},
      chats: {value: [STATUS_CHANNEL.id, '@ana_oncall'], source: 'env TELEGRAM_CHAT_IDS'},
      apiRoot: API_ROOT(),
      warnings: [],
    })
    expect(received.sort((a, b) => String(a.chat).localeCompare(String(b.chat)))).toEqual([
      {token: HEALTH_BOT.token, chat: STATUS_CHANNEL.id},
      {token: HEALTH_BOT.token, chat: '@ana_oncall'},
    ])
  })
})

describe('a name in two layers', () => {
  it('the registry wins over TELEGRAM_BOT_CONFIGS, and the source says so', async () => {
    writeRegistry(world.cli, registryWithAlerts())
    const env = {TELEGRAM_BOT_CONFIGS: envConfigs({name: 'Alerts', token: DEPLOY_BOT.token, chat_ids: [ON_CALL.id]})}
    const {report, received} = await showAndSend(world, ['--bot', 'alerts'], env)
    expect(report).toMatchObject({
      bot: {name: 'alerts', registryId: 1, layer: 'registry'},
      token: {value: masked(ALERTS_BOT.token), source: REGISTRY_SOURCE},
      chats: {value: [OPS_FORUM.id], source: REGISTRY_SOURCE},
    })
    expect(received).toEqual([{token: ALERTS_BOT.token, chat: OPS_FORUM.id}])

    const listed = await world.run(['bots', 'list', '--json'], {env})
    const states = (jsonOf(listed) as {bots: Array<{name: string; layer: string; shadowedBy?: string}>}).bots.map(
      ({name, layer, shadowedBy}) => ({name, layer, shadowedBy}),
    )
    expect(states).toEqual([
      {name: 'alerts', layer: 'registry', shadowedBy: undefined},
      {name: 'Alerts', layer: 'env-configs', shadowedBy: REGISTRY_SOURCE},
    ])
  })
})

describe('an inactive registry bot', () => {
  it('is skipped: the same name in TELEGRAM_BOT_CONFIGS is used', async () => {
    writeRegistry(world.cli, registryWithAlerts(false))
    const env = {TELEGRAM_BOT_CONFIGS: envConfigs({name: 'alerts', token: DEPLOY_BOT.token, chat_ids: [ON_CALL.id]})}
    const {report, received} = await showAndSend(world, ['--bot', 'alerts'], env)
    expect(report).toEqual({
      bot: {name: 'alerts', layer: 'env-configs'},
      token: {value: masked(DEPLOY_BOT.token), source: 'env TELEGRAM_BOT_CONFIGS[0] (alerts)'},
      chats: {value: [ON_CALL.id], source: 'env TELEGRAM_BOT_CONFIGS[0] (alerts)'},
      apiRoot: API_ROOT(),
      warnings: [],
    })
    expect(received).toEqual([{token: DEPLOY_BOT.token, chat: ON_CALL.id}])
  })

  it('is skipped without --bot too: TELEGRAM_BOT_TOKEN answers', async () => {
    writeRegistry(world.cli, registryWithAlerts(false))
    const env = {TELEGRAM_BOT_TOKEN: HEALTH_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id)}
    const {report, received} = await showAndSend(world, [], env)
    expect(report).toMatchObject({bot: {layer: 'env-token'}, token: {source: 'env TELEGRAM_BOT_TOKEN'}})
    expect(received).toEqual([{token: HEALTH_BOT.token, chat: ON_CALL.id}])
  })

  it('with nothing below: one line naming the file and how to enable it, exit 2, nothing sent', async () => {
    writeRegistry(world.cli, registryWithAlerts(false))
    const [named, unnamed, shown] = await Promise.all([
      world.run(['send', '--bot', 'alerts', 'hello']),
      world.run(['send', 'hello']),
      world.run(['config', 'show', '--bot', 'alerts']),
    ])
    const disabled = `Error: bot "alerts" is disabled in ${REGISTRY_DISPLAY}: enable it with fastpay-tg bots enable alerts`
    expectUsageError(named, disabled)
    expectUsageError(shown, disabled)
    expectUsageError(unnamed, `Error: no bot token: every bot of ${REGISTRY_DISPLAY} is disabled (fastpay-tg bots enable alerts); pass --token, add a bot with fastpay-tg bots add, or set TELEGRAM_BOT_TOKEN`)
    expect(world.api.requests).toEqual([])
  })
})

describe('values pasted with spaces or a newline around them', () => {
  it('TELEGRAM_API_BASE_URL is trimmed: config show, send and alert all reach the server', async () => {
    const env = {TELEGRAM_BOT_TOKEN: HEALTH_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id), TELEGRAM_API_BASE_URL: `${world.api.url} `}
    const {report, received} = await showAndSend(world, [], env)
    expect(report).toMatchObject({apiRoot: API_ROOT()})
    expect(received).toEqual([{token: HEALTH_BOT.token, chat: ON_CALL.id}])
    // Before, the space reached fetch as "Invalid URL", which alert took for Telegram being away and spooled (75).
    const alert = await world.run(['alert', 'Disk full', '--no-host'], {env})
    expect(alert).toEqual({stdout: `sent to ${ON_CALL.id}: message 2`, stderr: '', exitCode: 0})
  })

  it('TELEGRAM_BOT_CONFIGS: name and token are trimmed, so --bot finds the bot and the seed is not used', async () => {
    const env = {
      TELEGRAM_BOT_CONFIGS: JSON.stringify([{name: 'alerts ', token: ` ${DEPLOY_BOT.token}\n`, chat_ids: [ON_CALL.id]}]),
      TELEGRAM_BOT_TOKEN: HEALTH_BOT.token,
      TELEGRAM_CHAT_IDS: String(STATUS_CHANNEL.id),
    }
    const source = 'env TELEGRAM_BOT_CONFIGS[0] (alerts)'
    const {report, received} = await showAndSend(world, ['--bot', 'alerts'], env)
    expect(report).toEqual({
      bot: {name: 'alerts', layer: 'env-configs'},
      token: {value: masked(DEPLOY_BOT.token), source},
      chats: {value: [ON_CALL.id], source},
      apiRoot: API_ROOT(),
      warnings: [],
    })
    expect(received).toEqual([{token: DEPLOY_BOT.token, chat: ON_CALL.id}])
    const shown = await world.run(['config', 'show', '--bot', ' alerts'], {env})
    expect(shown.stdout.split('\n')[1]).toBe(`token     ${masked(DEPLOY_BOT.token).padEnd(world.api.url.length)}  ← ${source}`)
    expect(shown.stdout.split('\n')).toHaveLength(4)
  })

  it('registry: a quoted token with spaces around it is trimmed, a literal or a ${VAR}', async () => {
    const registry = `${registryWithAlerts().replace(ALERTS_BOT.token, `" ${ALERTS_BOT.token} "`)}  - name: deploy\n    token: " \${DEPLOY_TOKEN}"\n    chat_ids: [${ON_CALL.id}]\n`
    writeRegistry(world.cli, registry)
    const first = await showAndSend(world, [])
    expect(first.report).toMatchObject({token: {value: masked(ALERTS_BOT.token), source: REGISTRY_SOURCE}})
    expect(first.received).toEqual([{token: ALERTS_BOT.token, chat: OPS_FORUM.id}])
    const deploy = await world.run(['config', 'show', '--bot', 'deploy', '--json'], {env: {DEPLOY_TOKEN: DEPLOY_BOT.token}})
    expect(jsonOf(deploy)).toMatchObject({token: {value: masked(DEPLOY_BOT.token), source: 'env ${DEPLOY_TOKEN}'}})
  })
})

describe('config show', () => {
  it('aligns its columns on what it prints, so a masked secret in the API root does not show its length', async () => {
    const env = {TELEGRAM_BOT_TOKEN: HEALTH_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id)}
    const port = new URL(world.api.url).port
    const roots = [
      [`http://ops:s3cretpassw0rdXYZ@127.0.0.1:${port}`, `http://ops:***@127.0.0.1:${port}`],
      [`${world.api.url}/bot${DEPLOY_BOT.token}`, `${world.api.url}/bot${masked(DEPLOY_BOT.token)}`],
    ]
    for (const [root, printed] of roots) {
      const shown = await world.run(['config', 'show'], {env: {...env, TELEGRAM_API_BASE_URL: root!}})
      const row = (key: string, value: string, source: string) => `${key.padEnd(9)} ${value.padEnd(printed!.length)}  ← ${source}`
      expect(shown).toEqual({
        stdout: [
          row('bot', '(unnamed)', 'layer env-token'),
          row('token', masked(HEALTH_BOT.token), 'env TELEGRAM_BOT_TOKEN'),
          row('chats', String(ON_CALL.id), 'env TELEGRAM_CHAT_IDS'),
          row('api root', printed!, 'env TELEGRAM_API_BASE_URL'),
        ].join('\n'),
        stderr: '',
        exitCode: 0,
      })
    }
  })
})
