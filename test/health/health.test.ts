// `health` through the built CLI, against the fake Bot API: config layers, bots, chats, webhooks, local state.
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {FileMonitorStore, monitorDirIn} from '../../src/store/file/file-monitor-store.js'

import {ALERTS_BOT, callsOf, DEPLOY_BOT, expectUsageError, jsonOf, ON_CALL, OPS_FORUM, REGISTRY_DISPLAY, REVOKED_TOKEN, STATUS_CHANNEL, useCliWorld, writeRegistry} from '../cli/fixture.js'

const world = useCliWorld()

const LOCAL_OK = [
  'ok      state dir                   ~/state/fastpay-tg will be created (~/state is writable)',
  'ok      throttle dir                ~/state/fastpay-tg/throttle will be created (~/state is writable)',
  'ok      outbox dir                  ~/state/fastpay-tg/outbox will be created (~/state is writable)',
  'ok      monitor dir                 ~/state/fastpay-tg/monitor will be created (~/state is writable)',
  'ok      outbox                      empty',
  'ok      store                       files in ~/state/fastpay-tg (default)',
]

describe('health', () => {
  it('says "configured" for a bot in the registry alone (the old script said "not configured"), and checks it', async () => {
    mkdirSync(join(world.cli.env.HOME!, 'state'))
    writeRegistry(world.cli, `bots:\n  - name: alerts\n    token: ${ALERTS_BOT.token}\n    chat_ids: [${OPS_FORUM.id}, ${ON_CALL.id}]\n  - name: old\n    token: ${DEPLOY_BOT.token}\n    active: false\n`)
    const result = await world.run(['health'])
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    expect(result.stdout.split('\n')).toEqual([
      'health: all ok',
      'STATUS  CHECK                       DETAIL',
      `ok      config                      configured: alerts (registry ${REGISTRY_DISPLAY})`,
      `ok      layer registry              ${REGISTRY_DISPLAY}: 1 active (alerts), 1 disabled (old)`,
      'ok      layer TELEGRAM_BOT_CONFIGS  not set',
      'ok      layer TELEGRAM_BOT_TOKEN    not set',
      `ok      bot alerts                  token valid: @${ALERTS_BOT.username} (id ${ALERTS_BOT.id})`,
      `ok      chat alerts ${OPS_FORUM.id}  FastPay Ops (supergroup)`,
      `ok      chat alerts ${ON_CALL.id}            Ana Oncall (private)`,
      'ok      webhook alerts              not set: getUpdates works (0 pending)',
      ...LOCAL_OK,
    ])
    expect(callsOf(world.api, 'getMe').map((call) => call.token)).toEqual([ALERTS_BOT.token])
    expect(callsOf(world.api, 'getChat').map((call) => Number(call.params.chat_id)).sort()).toEqual([OPS_FORUM.id, ON_CALL.id].sort())
  })

  it('counts bots of every layer: a disabled registry bot and TELEGRAM_BOT_TOKEN is configured, through the env', async () => {
    writeRegistry(world.cli, `bots:\n  - name: old\n    token: ${DEPLOY_BOT.token}\n    active: false\n`)
    const result = await world.run(['health', '--json'], {env: {TELEGRAM_BOT_TOKEN: ALERTS_BOT.token, TELEGRAM_CHAT_IDS: String(STATUS_CHANNEL.id)}})
    const report = jsonOf(result) as {ok: boolean; configured: boolean; bots: unknown[]; items: Array<{check: string; status: string; detail: string}>}
    expect(result.exitCode).toBe(0)
    expect(report.configured).toBe(true)
    expect(report.bots).toEqual([{label: 'env TELEGRAM_BOT_TOKEN', source: 'env TELEGRAM_BOT_TOKEN'}])
    expect(report.items.slice(0, 2)).toEqual([
      {check: 'config', status: 'ok', detail: 'configured: env TELEGRAM_BOT_TOKEN'},
      {check: 'layer registry', status: 'ok', detail: `${REGISTRY_DISPLAY}: 0 active, 1 disabled (old)`},
    ])
    expect(report.items.find((item) => item.check.startsWith('chat '))).toEqual({
      check: `chat env TELEGRAM_BOT_TOKEN ${STATUS_CHANNEL.id}`,
      status: 'ok',
      detail: 'FastPay Status (channel)',
    })
  })

  // The transport's variables are a usage error in health as in every door (TELEGRAM_API_BASE_URL already was); the
  // bot layers stay rows, as health's job is to say what is configured. A bad proxy was a failed row per bot, exit 1.
  it('a proxy variable that is not a URL: one line naming it, exit 2, no request, as a bad API root', async () => {
    const env = {TELEGRAM_BOT_TOKEN: ALERTS_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id)}
    const [proxy, apiRoot, unused] = await Promise.all([
      world.run(['health'], {env: {...env, HTTP_PROXY: 'http://ops:egress-secret@[bad'}}),
      world.run(['health'], {env: {...env, TELEGRAM_API_BASE_URL: 'ftp://api.example'}}),
      // Not the variable an http:// API root uses: still refused, as send refuses it.
      world.run(['health', '--json'], {env: {...env, HTTPS_PROXY: 'http://[bad'}}),
    ])
    expectUsageError(proxy, 'Error: HTTP_PROXY is not a proxy URL: "http://[bad"')
    expectUsageError(apiRoot, 'Error: TELEGRAM_API_BASE_URL: expected an http(s) URL, got "ftp://api.example"')
    expect({exitCode: unused.exitCode, error: (jsonOf(unused) as {error?: {message?: string}}).error?.message}).toEqual({exitCode: 2, error: 'HTTPS_PROXY is not a proxy URL: "http://[bad"'})
    expect(world.api.requests).toEqual([])
  })

  it('fails, exit 1, when nothing is configured', async () => {
    const result = await world.run(['health'])
    expect(result.exitCode).toBe(1)
    expect(result.stdout.split('\n').slice(0, 3)).toEqual([
      'health: 1 failure',
      'STATUS  CHECK                       DETAIL',
      `FAIL    config                      not configured: no active bot in ${REGISTRY_DISPLAY}, TELEGRAM_BOT_CONFIGS or TELEGRAM_BOT_TOKEN; add one with fastpay-tg bots add`,
    ])
  })

  it('names a refused token, an unknown chat, an unreadable token, a webhook error and an outbox backlog', async () => {
    writeRegistry(
      world.cli,
      `bots:\n  - name: alerts\n    token: ${ALERTS_BOT.token}\n    chat_ids: [${ON_CALL.id}, 777]\n  - name: revoked\n    token: ${REVOKED_TOKEN}\n  - name: health\n    token: \${HEALTH_TOKEN}\n`,
    )
    await fetch(`${world.api.url}/bot${ALERTS_BOT.token}/setWebhook`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({url: 'https://ops.example.com/hook'})})
    world.api.setWebhookError('Wrong response from the webhook: 502 Bad Gateway', ALERTS_BOT.token)
    const outbox = join(world.cli.stateDir, 'outbox')
    mkdirSync(outbox, {recursive: true})
    const id = `${String(Date.now() - 7_200_000).padStart(15, '0')}-1-abcd1234`
    writeFileSync(join(outbox, `${id}.json`), JSON.stringify({version: 1, id, bot: 'alerts', chatIds: [1], message: {text: 'x'}, createdAt: new Date(Date.now() - 7_200_000).toISOString(), attempts: 1}))

    const result = await world.run(['health', '--json'])
    expect(result.exitCode).toBe(1)
    const report = jsonOf(result) as {ok: boolean; items: Array<{check: string; status: string; detail: string}>}
    const notOk = report.items.filter((item) => item.status !== 'ok').map((item) => ({...item, detail: item.detail.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/, 'TIME')}))
    expect(notOk).toEqual([
      {check: 'chat alerts 777', status: 'fail', detail: "Call to 'getChat' failed (400: Bad Request: chat not found): check the chat id, and that the bot was added to the chat"},
      {check: 'webhook alerts', status: 'warn', detail: 'https://ops.example.com/hook, 0 pending; last error TIME: Wrong response from the webhook: 502 Bad Gateway'},
      {check: 'bot revoked', status: 'fail', detail: "Call to 'getMe' failed (401: Unauthorized): the bot token is wrong (ask @BotFather)"},
      {check: 'bot health', status: 'fail', detail: 'token unreadable: bot "health" in ~/config/fastpay-tg/config.yml takes its token from ${HEALTH_TOKEN}, which is not set'},
      {check: 'outbox', status: 'warn', detail: expect.stringMatching(/^1 waiting \(alerts: 1\), oldest 2h 00m old: the next alert delivers them$/)},
    ])
    expect(result.stdout).not.toContain(REVOKED_TOKEN)
  })
})

// Cron stopped running `monitor run` (a broken crontab, a monitors file that now exits 2): the last pass grows old
// while its "none down" stays true. health says the monitor itself has stopped.
describe('health: a monitor that stopped passing', () => {
  it('warns when the last pass is over an hour old, naming its age; a recent one is ok', async () => {
    writeRegistry(world.cli, `bots:\n  - name: alerts\n    token: ${ALERTS_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
    const store = new FileMonitorStore({dir: monitorDirIn(world.cli.stateDir)})
    const passAt = (ago: number) => store.writeState({version: 1, checks: {}, lastPass: {at: Date.now() - ago, durationMs: 40, checks: 2, down: [], host: 'web-1'}})
    await passAt(3 * 3_600_000)
    const stale = await world.run(['health'])
    expect(stale.exitCode).toBe(0)
    expect(stale.stdout.split('\n')[0]).toBe('health: 1 warning')
    expect(stale.stdout).toMatch(/\nwarn +monitor +last pass \d\d:\d\d:\d\d UTC \(3h 00m ago\): no pass for over 1h: is fastpay-tg monitor run scheduled \(or monitor watch running\)\? 2 checks, none down\n/)
    await passAt(5 * 60_000)
    expect((await world.run(['health'])).stdout).toMatch(/\nok +monitor +last pass \d\d:\d\d:\d\d UTC \(5m 0\ds ago\): 2 checks, none down\n/)
  })
})

describe('health: the shared store', () => {
  it('warns when the configured Redis does not answer, naming it without its password', async () => {
    const {createServer} = await import('node:net')
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve))
    const {port} = server.address() as {port: number}
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const env = {TELEGRAM_BOT_TOKEN: ALERTS_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id), FASTPAY_TG_STORE: `redis://:hunter2@127.0.0.2:${port}`}
    const result = await world.run(['health', '--json'], {env})
    const report = jsonOf(result) as {items: Array<{check: string; status: string; detail: string}>}
    const store = report.items.find((item) => item.check === 'store')
    expect(store?.status).toBe('warn')
    expect(store?.detail).toMatch(new RegExp(`^redis redis://:\\*\\*\\*@127\\.0\\.0\\.2:${port} \\(env FASTPAY_TG_STORE\\) unreachable \\(.+\\); working on the files in ~/state/fastpay-tg$`))
    expect(result.stdout + result.stderr).not.toContain('hunter2')
  })
})
