// `alert` end to end: what the message says (severity icon, fields, body from stdin, escaping, host and time),
// where it goes (channels through the config layers, linked chats), buttons for `webhook serve`, and --dry-run.
import {existsSync, readdirSync, writeFileSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {FileKeyValue} from '../../src/store/file/file-key-value.js'
import {
  ALERTS_BOT,
  callsOf,
  DEPLOY_BOT,
  envConfigs,
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
const toOnCall = ['--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id)]
const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/

const ALERTS_AND_DEPLOY = `bots:
  - name: alerts
    id: 1
    token: ${ALERTS_BOT.token}
    chat_ids: [${OPS_FORUM.id}]
  - name: deploy
    id: 2
    token: ${DEPLOY_BOT.token}
    chat_ids: [${ON_CALL.id}]
`

/** The one sendMessage the server received: its text with the time replaced by TIME, and the other parameters. */
function onlyMessage(): {text: string; params: Record<string, unknown>} {
  const [request, ...others] = callsOf(world.api, 'sendMessage')
  expect(others).toEqual([])
  const {text, ...params} = request!.params
  return {text: (text as string).replace(TIME, 'TIME'), params}
}

describe('what the alert says', () => {
  it('severity icon, fields in order, body from stdin; every value escaped for HTML', async () => {
    const result = await world.run(
      [
        'alert', 'Payments <b>failing</b>', ...toOnCall, '--no-host', '--severity', 'CRITICAL',
        '--field', 'host=<script>alert(1)</script>', '--field', 'query=a=1&b=2', '--field', 'empty=', '--body', '-',
      ],
      {input: 'ERROR 502 from <upstream>\n  retry & give up\n'},
    )
    expect(result).toEqual({stdout: `sent to ${ON_CALL.id}: message 1`, stderr: '', exitCode: 0})
    expect(onlyMessage()).toEqual({
      text: [
        '🚨 <b>Payments &lt;b&gt;failing&lt;/b&gt;</b>',
        '<b>host</b>: &lt;script&gt;alert(1)&lt;/script&gt;',
        '<b>query</b>: a=1&amp;b=2',
        '<b>empty</b>: ',
        '',
        'ERROR 502 from &lt;upstream&gt;',
        '  retry &amp; give up',
        '',
        '<i>TIME</i>',
      ].join('\n'),
      params: {chat_id: ON_CALL.id, parse_mode: 'HTML'},
    })
    // What a reader sees: the markup gone, the values as typed.
    expect(world.api.messages(ON_CALL.id)[0]!.text).toMatch(/^🚨 Payments <b>failing<\/b>\nhost: <script>alert\(1\)<\/script>\nquery: a=1&b=2\n/)
  })

  it('one icon per severity; the host name and time close the alert unless --no-host', async () => {
    for (const severity of ['info', 'warning', 'error', 'critical']) {
      const result = await world.run(['alert', `${severity} check`, ...toOnCall, '--severity', severity])
      expect(result.exitCode, result.stderr).toBe(0)
    }
    await world.run(['alert', 'no host', ...toOnCall, '--no-host', '--body', 'body text', '--silent'])
    const sent = callsOf(world.api, 'sendMessage').map((request) => (request.params.text as string).replace(TIME, 'TIME'))
    expect(sent).toEqual([
      `ℹ️ <b>info check</b>\n\n<i>${hostname()} · TIME</i>`,
      `⚠️ <b>warning check</b>\n\n<i>${hostname()} · TIME</i>`,
      `❌ <b>error check</b>\n\n<i>${hostname()} · TIME</i>`,
      `🚨 <b>critical check</b>\n\n<i>${hostname()} · TIME</i>`,
      '❌ <b>no host</b>\n\nbody text\n\n<i>TIME</i>',
    ])
    expect(callsOf(world.api, 'sendMessage').map((request) => request.params.disable_notification)).toEqual([
      undefined, undefined, undefined, undefined, true,
    ])
  })

  it('--template lays it out, values escaped the same way', async () => {
    const template = join(world.cli.env.HOME!, 'alert.html')
    writeFileSync(template, '{{icon}} <b>{{ title }}</b> on <code>{{field.db}}</code> [{{channel}}/{{severity}}]\n{{suppressed}}\n{{body}}\n')
    const result = await world.run(['alert', 'Replica lag', ...toOnCall, '--severity', 'warning', '--template', template, '--field', 'db=<pg-2>', '--body', 'lag 93s'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(onlyMessage().text).toBe('⚠️ <b>Replica lag</b> on <code>&lt;pg-2&gt;</code> [alerts/warning]\n\nlag 93s')
  })

  it('--json: the result with the text sent and one delivery per chat', async () => {
    const result = await world.run(['alert', 'Disk full', ...toOnCall, '--no-host', '--json'])
    expect(result.exitCode).toBe(0)
    const json = jsonOf(result) as {text: string}
    expect(json).toEqual({
      status: 'sent',
      exitCode: 0,
      bot: 'flag --token (bot 7012345678)',
      throttleKey: 'alerts:Disk full',
      text: expect.stringMatching(/^❌ <b>Disk full<\/b>\n\n<i>\S+Z<\/i>$/),
      deliveries: [{chatId: ON_CALL.id, ok: true, messageIds: [1]}],
      flushed: {entries: [], waiting: 0, warnings: []},
      warnings: [],
    })
    expect(callsOf(world.api, 'sendMessage')[0]!.params.text).toBe(json.text)
  })
})

describe('where the alert goes', () => {
  /** The token and chat of each sendMessage, by bot name. */
  function received(): Array<[string, unknown]> {
    const names = new Map([ALERTS_BOT, DEPLOY_BOT, HEALTH_BOT].map((bot) => [bot.token, bot.username]))
    return callsOf(world.api, 'sendMessage').map((request) => [names.get(request.token) ?? 'unknown', request.params.chat_id])
  }

  it('--channel deploy: the deploy bot and its chats; the default channel is alerts; an unknown channel falls back to the first bot', async () => {
    writeRegistry(world.cli, ALERTS_AND_DEPLOY)
    for (const channel of [['--channel', 'deploy'], [], ['--channel', 'billing']]) {
      const result = await world.run(['alert', 'Rollout stuck', '--no-host', ...channel])
      expect(result.exitCode, result.stderr).toBe(0)
    }
    expect(received()).toEqual([
      ['fastpay_deploy_bot', ON_CALL.id],
      ['fastpay_alerts_bot', OPS_FORUM.id],
      ['fastpay_alerts_bot', OPS_FORUM.id],
    ])
  })

  it("layer by layer: the channel's bot, else TELEGRAM_BOT_TOKEN (the seed fallback), else the first bot of registry, then TELEGRAM_BOT_CONFIGS", async () => {
    const env = {
      TELEGRAM_BOT_CONFIGS: envConfigs({name: 'deploy', token: DEPLOY_BOT.token, chat_ids: [ON_CALL.id]}),
      TELEGRAM_BOT_TOKEN: HEALTH_BOT.token,
      TELEGRAM_CHAT_IDS: String(STATUS_CHANNEL.id),
    }
    const dryRun = async (channel: string, runEnv: Record<string, string | undefined>) => {
      const result = await world.run(['alert', 'x', '--no-host', '--dry-run', '--channel', channel], {env: runEnv})
      expect(result.exitCode, result.stderr).toBe(0)
      return result.stdout.split('\n').filter((line) => /^(bot|chats):/.test(line))
    }
    writeRegistry(world.cli, `bots:\n  - name: alerts\n    token: ${ALERTS_BOT.token}\n    chat_ids: [${OPS_FORUM.id}]\n`)
    const registrySource = `registry ${REGISTRY_DISPLAY} bots[0] (alerts)`
    expect(await dryRun('deploy', env)).toEqual([
      'bot:   deploy  ← env TELEGRAM_BOT_CONFIGS[0] (deploy)',
      `chats: ${ON_CALL.id}  ← env TELEGRAM_BOT_CONFIGS[0] (deploy)`,
    ])
    const seedFallback = [
      'bot:   env TELEGRAM_BOT_TOKEN (bot 5123987654)  ← env TELEGRAM_BOT_TOKEN',
      `chats: ${STATUS_CHANNEL.id}  ← env TELEGRAM_CHAT_IDS`,
    ]
    expect(await dryRun('billing', env)).toEqual(seedFallback)
    const noSeed = {...env, TELEGRAM_BOT_TOKEN: undefined}
    expect(await dryRun('billing', noSeed)).toEqual([`bot:   alerts  ← ${registrySource}`, `chats: ${OPS_FORUM.id}  ← ${registrySource}`])
    writeRegistry(world.cli, 'bots: []\n')
    expect(await dryRun('billing', noSeed)).toEqual([
      'bot:   deploy  ← env TELEGRAM_BOT_CONFIGS[0] (deploy)',
      `chats: ${ON_CALL.id}  ← env TELEGRAM_BOT_CONFIGS[0] (deploy)`,
    ])
    const tokenOnly = {...env, TELEGRAM_BOT_CONFIGS: undefined}
    expect(await dryRun('billing', tokenOnly)).toEqual(seedFallback)
    expect(world.api.requests).toEqual([])

    const sent = await world.run(['alert', 'x', '--no-host', '--channel', 'billing'], {env: tokenOnly})
    expect(sent).toEqual({
      stdout: `sent to ${STATUS_CHANNEL.id}: message 1`,
      stderr: 'Warning: no bot named "billing" in any layer: using TELEGRAM_BOT_TOKEN',
      exitCode: 0,
    })
    expect(received()).toEqual([['fastpay_health_bot', STATUS_CHANNEL.id]])
  })

  it("chats linked to the channel through the channel's bot are added, once", async () => {
    writeRegistry(
      world.cli,
      `${ALERTS_AND_DEPLOY}linked_chats:
  - chat_id: ${STATUS_CHANNEL.id}
    bot: alerts
    channels: [alerts, digest]
    linked_at: 2025-06-01T10:00:00Z
  - chat_id: ${OPS_FORUM.id}
    bot: alerts
    channels: [alerts]
    linked_at: 2025-06-01T10:00:00Z
  - chat_id: ${ON_CALL.id}
    bot: alerts
    channels: [digest]
    linked_at: 2025-06-01T10:00:00Z
`,
    )
    const dryRun = await world.run(['alert', 'Settlement late', '--no-host', '--dry-run'])
    expect(dryRun.stdout.split('\n').find((line) => line.startsWith('chats:'))).toBe(
      `chats: ${OPS_FORUM.id}, ${STATUS_CHANNEL.id}  ← registry ${REGISTRY_DISPLAY} bots[0] (alerts) + 2 linked`,
    )
    const result = await world.run(['alert', 'Settlement late', '--no-host'])
    expect(result).toEqual({stdout: `sent to ${OPS_FORUM.id}: message 1\nsent to ${STATUS_CHANNEL.id}: message 1`, stderr: '', exitCode: 0})
    expect(received()).toEqual([
      ['fastpay_alerts_bot', OPS_FORUM.id],
      ['fastpay_alerts_bot', STATUS_CHANNEL.id],
    ])
  })
})

describe('--buttons for webhook serve', () => {
  it('ack,mute: one row, Acknowledge and Mute 1h, bound to the throttle key and signed with the bot\'s key', async () => {
    const result = await world.run(['alert', 'API down', ...toOnCall, '--no-host', '--buttons', 'ack,mute'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(onlyMessage().params).toEqual({
      chat_id: ON_CALL.id,
      parse_mode: 'HTML',
      reply_markup: {
        inline_keyboard: [
          [
            {text: 'Acknowledge', callback_data: expect.stringMatching(/^ack:alerts:API down:[A-Za-z0-9_-]{16}$/)},
            {text: 'Mute 1h', callback_data: expect.stringMatching(/^mute:alerts:API down:3600:[A-Za-z0-9_-]{16}$/)},
          ],
        ],
      },
    })
  })

  it("a key too long for callback data travels as a hash, and the key is kept in the store's key-value part for serve", async () => {
    const key = `payments/eu-1/${'settlement-batch-'.repeat(4)}lag`
    const result = await world.run(['alert', 'Settlement lag', ...toOnCall, '--no-host', '--buttons', 'mute', '--throttle-key', key])
    expect(result.exitCode, result.stderr).toBe(0)
    const markup = onlyMessage().params.reply_markup as {inline_keyboard: Array<Array<{text: string; callback_data: string}>>}
    expect(markup.inline_keyboard).toEqual([[{text: 'Mute 1h', callback_data: expect.stringMatching(/^mute:#[0-9a-f]{32}:3600:[A-Za-z0-9_-]{16}$/)}]])
    const hex = /#([0-9a-f]{32})/.exec(markup.inline_keyboard[0]![0]!.callback_data)![1]
    const stored = await new FileKeyValue({dir: join(world.cli.stateDir, 'state')}).get(`button-keys/${hex}`)
    expect(stored?.value).toBe(key)
    expect(existsSync(join(world.cli.stateDir, 'button-keys'))).toBe(false)
  })
})

describe('--dry-run', () => {
  it('shows the message, the bot and chats with their sources and the throttle verdict; sends and records nothing', async () => {
    writeRegistry(world.cli, ALERTS_AND_DEPLOY)
    const source = `registry ${REGISTRY_DISPLAY} bots[1] (deploy)`
    const dryRun = await world.run(['alert', 'Rollout stuck', '--channel', 'deploy', '--no-host', '--severity', 'warning', '--field', 'step=3/5', '--dry-run'])
    expect({...dryRun, stdout: dryRun.stdout.replace(TIME, 'TIME')}).toEqual({
      stdout: [
        '⚠️ <b>Rollout stuck</b>',
        '<b>step</b>: 3/5',
        '',
        '<i>TIME</i>',
        '',
        `bot:   deploy  ← ${source}`,
        `chats: ${ON_CALL.id}  ← ${source}`,
        'throttle: key "deploy:Rollout stuck", 60 s window: would send',
        '(dry run: nothing sent)',
      ].join('\n'),
      stderr: '',
      exitCode: 0,
    })
    expect(world.api.requests).toEqual([])
    expect(readdirSync(join(world.cli.stateDir, 'throttle'))).toEqual([])
  })

  it('after an alert went through: "would be suppressed until" the window ends, and the dry run counts nothing', async () => {
    expect((await world.run(['alert', 'Disk full', ...toOnCall])).exitCode).toBe(0)
    const held = jsonOf(await world.run(['alert', 'Disk full', ...toOnCall, '--json'])) as {suppressed: {count: number; nextAt: string}}
    expect(held.suppressed.count).toBe(1)
    const dryRuns = await Promise.all([1, 2].map(() => world.run(['alert', 'Disk full', ...toOnCall, '--dry-run', '--json'])))
    for (const dryRun of dryRuns) {
      expect(jsonOf(dryRun)).toMatchObject({
        bot: 'flag --token (bot 7012345678)',
        chatIds: [ON_CALL.id],
        sources: {bot: 'flag --token', chats: 'flag --chat'},
        throttle: {key: 'alerts:Disk full', windowSeconds: 60, wouldSend: false, suppressedCount: 2, nextAt: held.suppressed.nextAt},
        outboxWaiting: 0,
        warnings: [],
      })
    }
    const human = await world.run(['alert', 'Disk full', ...toOnCall, '--dry-run'])
    expect(human.stdout.split('\n').at(-2)).toBe(`throttle: key "alerts:Disk full", 60 s window: would be suppressed until ${held.suppressed.nextAt}`)
    const next = jsonOf(await world.run(['alert', 'Disk full', ...toOnCall, '--json']))
    expect(next).toMatchObject({status: 'suppressed', suppressed: {count: 2}})
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(1)
  })
})
