// Alert buttons end to end: an alert sent with `alertButtons`, a press on Acknowledge or Mute POSTed to the spawned
// `webhook serve`, then what the fake Bot API received and what the throttle (shared with `alert`) now decides.
import {join} from 'node:path'

import type {InlineKeyboardMarkup, Message, MessageEntity} from '@grammyjs/types'
import {describe, expect, it, type TestContext} from 'vitest'

import {throttleDirIn} from '../../src/support/state-dir.js'
import {BotApiClient} from '../../src/api/index.js'
import {FileThrottle} from '../../src/store/file/file-throttle.js'
import {type AlertButtonsOptions, prepareAlertButtons} from '../../src/webhook/alert-buttons.js'
import {FileKeyValue} from '../../src/store/file/file-key-value.js'
import {ALERTS_BOT, ANA, BOB, callbackUpdate, callsOf, OPS_GROUP, REGISTRY, SECRET, useWorld, writeRegistry} from './fixture.js'
import {useServeProcesses} from './serve-process.js'
import type {CliSandbox} from '../helpers/run-cli.js'

const world = useWorld()
const startServe = useServeProcesses()

const HEADER = {'X-Telegram-Bot-Api-Secret-Token': SECRET}
const CLOCK = '\\d\\d:\\d\\d UTC'
const BOLD: MessageEntity[] = [{type: 'bold', offset: 0, length: 7}]

/** Sends an alert with buttons as the alert path will, and returns it as Telegram shows it in a callback (with entities). */
async function sendAlert(text: string, replyMarkup: Message['reply_markup']): Promise<Message> {
  const client = new BotApiClient({token: ALERTS_BOT.token, apiRoot: world.api.url})
  const sent = await client.sendMessage({chat_id: OPS_GROUP.id, text, reply_markup: replyMarkup})
  return {...sent, entities: BOLD} as Message
}

/** Buttons as `alert --buttons` makes them: signed with the alerts bot's key from the sandbox's store. */
const keyValue = () => new FileKeyValue({dir: join(world.cli.stateDir, 'state')})
const buttons = (key: string, options: AlertButtonsOptions = {}) =>
  prepareAlertButtons(key, {keyValue: keyValue(), botId: ALERTS_BOT.id, channel: 'alerts', ...options})

const dataOf = (markup: Message['reply_markup'], index: number) => (markup!.inline_keyboard[0]![index] as {callback_data: string}).callback_data

async function serve() {
  writeRegistry(world.cli, REGISTRY)
  return startServe(world.cli, [], {TELEGRAM_WEBHOOK_SECRET: SECRET})
}

const throttle = () => new FileThrottle({dir: throttleDirIn(world.cli.stateDir)})

describe('alertButtons', () => {
  it('binds Acknowledge and Mute 1h to the throttle key, signed', async () => {
    expect(await buttons('db:down')).toEqual({inline_keyboard: [[
      {text: 'Acknowledge', callback_data: expect.stringMatching(/^ack:db:down:[A-Za-z0-9_-]{16}$/)},
      {text: 'Mute 1h', callback_data: expect.stringMatching(/^mute:db:down:3600:[A-Za-z0-9_-]{16}$/)},
    ]]})
  })
})

describe('alert buttons through webhook serve', () => {
  it('Acknowledge: answers the query, appends who and when to the alert, keeps Mute and the formatting', async () => {
    const server = await serve()
    const markup = await buttons('db:down')
    const alert = await sendAlert('DB down on db-1', markup)
    expect(await server.post(1, callbackUpdate(1, alert, ANA, dataOf(markup, 0)), HEADER)).toEqual({status: 200, text: ''})
    await server.waitForLine(/^alerts: acknowledged "db:down" by @ana_oncall in chat -1001234567890 \(message 1\)$/)

    expect(callsOf(world.api, 'answerCallbackQuery').map((request) => request.params)).toEqual([{callback_query_id: 'cbq-1', text: 'Acknowledged'}])
    const [edit] = callsOf(world.api, 'editMessageText')
    expect(edit!.params).toEqual({
      chat_id: OPS_GROUP.id,
      message_id: 1,
      text: expect.stringMatching(new RegExp(`^DB down on db-1\\n\\n✅ Acknowledged by @ana_oncall at ${CLOCK}$`)),
      entities: BOLD,
      reply_markup: {inline_keyboard: [[{text: 'Mute 1h', callback_data: dataOf(markup, 1)}]]},
    })
    expect(world.api.messages(OPS_GROUP.id)[0]!.text).toBe(edit!.params.text)
    // Nothing was muted: the next alert of that key goes through.
    expect((await throttle().decide('db:down', 0)).send).toBe(true)
  })

  it('Mute 1h: the muter holds back the next alert of that key only; the buttons go, the line is appended', async () => {
    const server = await serve()
    const markup = await buttons('db:down', {buttons: ['mute']})
    const acknowledged = await sendAlert('DB down on db-1\n\n✅ Acknowledged by @ana_oncall at 09:15 UTC', markup)
    const pressedAt = Date.now()
    expect(await server.post(1, callbackUpdate(2, acknowledged, BOB, dataOf(markup, 0)), HEADER)).toEqual({status: 200, text: ''})
    await server.waitForLine(/^alerts: muted for 1h "db:down" by Bob in chat -1001234567890 \(message 1\)$/)

    expect(callsOf(world.api, 'answerCallbackQuery').map((request) => request.params)).toEqual([
      {callback_query_id: 'cbq-2', text: expect.stringMatching(new RegExp(`^Muted for 1h \\(until ${CLOCK}\\)$`))},
    ])
    const [edit] = callsOf(world.api, 'editMessageText')
    expect(edit!.params).toEqual({
      chat_id: OPS_GROUP.id,
      message_id: 1,
      text: expect.stringMatching(new RegExp(`^DB down on db-1\\n\\n✅ Acknowledged by @ana_oncall at 09:15 UTC\\n🔕 Muted for 1h by Bob at ${CLOCK}$`)),
      entities: BOLD,
    })
    const decision = await throttle().decide('db:down', 0)
    expect(decision.send).toBe(false)
    const mutedUntil = decision.send ? 0 : decision.mutedUntil!.getTime()
    expect(mutedUntil).toBeGreaterThanOrEqual(pressedAt + 3_600_000 - 1000)
    expect(mutedUntil).toBeLessThanOrEqual(Date.now() + 3_600_000)
    expect((await throttle().decide('disk:full', 0)).send).toBe(true)
  })

  it('a key too long for callback data travels as a hash, and Mute still reaches that key', async () => {
    const key = `checkout-api:/v2/payments/authorize:${'p99-latency-over-budget:'.repeat(3)}`
    const markup = await buttons(key)
    const mute = markup.inline_keyboard[0]![1]! as {callback_data: string}
    expect(mute.callback_data).toMatch(/^mute:#[0-9a-f]{32}:3600:[A-Za-z0-9_-]{16}$/)
    expect(Buffer.byteLength(mute.callback_data)).toBeLessThanOrEqual(64)
    const server = await serve()
    const alert = await sendAlert('Checkout latency over budget', markup)
    await server.post(1, callbackUpdate(3, alert, ANA, mute.callback_data), HEADER)
    await server.waitForLine(/^alerts: muted for 1h "checkout-api:/)
    expect((await throttle().decide(key, 0)).send).toBe(false)
  })

  it("a hashed key an older version wrote to <state dir>/button-keys/<hex>.key still reaches its key", async () => {
    const key = `legacy-api:/v1/refunds:${'p99-latency-over-budget:'.repeat(3)}`
    const markup = await buttons(key, {buttons: ['mute']})
    const hex = dataOf(markup, 0).split(':')[1]!.slice(1)
    // As an older version left it: the map entry as a file, none in the store.
    await keyValue().delete(`button-keys/${hex}`)
    const {mkdirSync, writeFileSync} = await import('node:fs')
    mkdirSync(join(world.cli.stateDir, 'button-keys'), {recursive: true, mode: 0o700})
    writeFileSync(join(world.cli.stateDir, 'button-keys', `${hex}.key`), key, {mode: 0o600})
    const server = await serve()
    const alert = await sendAlert('Refund latency over budget', markup)
    await server.post(1, callbackUpdate(6, alert, ANA, dataOf(markup, 0)), HEADER)
    await server.waitForLine(/^alerts: muted for 1h "legacy-api:/)
    expect((await throttle().decide(key, 0)).send).toBe(false)
  })

  it('a signed hash whose key map entry is gone, and a non-alert button: answered, nothing edited or muted', async () => {
    const server = await serve()
    const key = `gone:${'x'.repeat(60)}`
    const markup = await buttons(key, {buttons: ['mute']})
    await keyValue().delete(`button-keys/${dataOf(markup, 0).split(':')[1]!.slice(1)}`)
    const alert = await sendAlert('DB down on db-1', {inline_keyboard: [...markup.inline_keyboard, [{text: 'Approve', callback_data: 'deploy-approve'}]]})
    await server.post(1, callbackUpdate(4, alert, ANA, dataOf(markup, 0)), HEADER)
    await server.waitForLine(/^alerts: mute for unknown key ref #[0-9a-f]{32}: answered$/)
    await server.post(1, callbackUpdate(5, alert, ANA, 'deploy-approve'), HEADER)
    await server.waitForLine(/^alerts: callback "deploy-approve" from @ana_oncall: not an alert button, answered$/)
    expect(callsOf(world.api, 'answerCallbackQuery').map((request) => request.params)).toEqual([
      {callback_query_id: 'cbq-4', text: "This alert's key is not known on this server (a different machine or state dir): nothing was changed.", show_alert: true},
      {callback_query_id: 'cbq-5'},
    ])
    expect(callsOf(world.api, 'editMessageText')).toEqual([])
  })
})

describe('alert buttons on the shared store', () => {
  type Fleet = {
    otherHost: CliSandbox
    store: {FASTPAY_TG_STORE: string}
    server: Awaited<ReturnType<typeof serve>>
    /** Buttons as `alert --buttons mute` on the other host makes them: signed and recorded in Redis. */
    buttonsOnOtherHost: (key: string) => Promise<InlineKeyboardMarkup>
  }

  /** webhook serve on this sandbox and another host's sandbox, sharing only Redis (skipped without one). */
  async function onSharedRedis(context: TestContext, work: (fleet: Fleet) => Promise<void>) {
    const {redisForTests} = await import('../store/redis-server.js')
    const available = await redisForTests()
    if (!available.redis) return context.skip(available.skip)
    const {createCliSandbox} = await import('../helpers/run-cli.js')
    const otherHost = createCliSandbox(world.api.url)
    try {
      const store = {FASTPAY_TG_STORE: available.redis.url}
      writeRegistry(world.cli, REGISTRY)
      const server = await startServe(world.cli, [], {TELEGRAM_WEBHOOK_SECRET: SECRET, ...store})
      // The signing key lives in Redis too: a sandbox that shares only Redis with serve signs with the same key.
      const {openStore} = await import('../../src/store/select-store.js')
      const buttonsOnOtherHost = async (key: string) => {
        const shared = await openStore({stateDir: otherHost.stateDir, env: store, onWarning: (line) => expect.fail(line)})
        try {
          return await prepareAlertButtons(key, {keyValue: shared.kv, botId: ALERTS_BOT.id, channel: 'alerts', buttons: ['mute']})
        } finally {
          await shared.close()
        }
      }
      await work({otherHost, store, server, buttonsOnOtherHost})
    } finally {
      otherHost.cleanup()
      if (available.redis.own) await available.redis.stop()
    }
  }

  it("a hashed key recorded by an alert on another host sharing Redis is resolved by this host's webhook serve", (context) =>
    onSharedRedis(context, async ({otherHost, server, buttonsOnOtherHost}) => {
      const key = `fleet-api:/v2/payments:${Date.now().toString(36)}:${'p99-latency-over-budget:'.repeat(3)}`
      const markup = await buttonsOnOtherHost(key)
      expect(dataOf(markup, 0)).toMatch(/^mute:#[0-9a-f]{32}:/)
      const alert = await sendAlert('Payments latency over budget', markup)
      await server.post(1, callbackUpdate(8, alert, BOB, dataOf(markup, 0)), HEADER)
      await server.waitForLine(/^alerts: muted for 1h "fleet-api:/)
      // Neither state dir holds the map: it came from Redis.
      const {existsSync} = await import('node:fs')
      expect([existsSync(join(world.cli.stateDir, 'button-keys')), existsSync(join(otherHost.stateDir, 'button-keys'))]).toEqual([false, false])
    }))

  it('Mute through webhook serve holds back the alert of that key on another host sharing Redis', (context) =>
    onSharedRedis(context, async ({otherHost, store, server, buttonsOnOtherHost}) => {
      // A key of its own, so a Redis shared with other runs holds no mute for it.
      const key = `db:down:${Date.now().toString(36)}`
      const markup = await buttonsOnOtherHost(key)
      const alert = await sendAlert('DB down on db-1', markup)
      await server.post(1, callbackUpdate(7, alert, BOB, dataOf(markup, 0)), HEADER)
      await server.waitForLine(new RegExp(`^alerts: muted for 1h "${key}" by Bob`))
      const env = {...store, TELEGRAM_BOT_TOKEN: ALERTS_BOT.token, TELEGRAM_CHAT_IDS: String(OPS_GROUP.id)}
      const held = await otherHost.run(['alert', 'DB down', '--throttle-key', key, '--no-host'], {env})
      expect([held.exitCode, held.stderr]).toEqual([0, ''])
      expect(held.stdout).toMatch(new RegExp(`^suppressed: 1 alert\\(s\\) with key "${key}" held back`))
    }))
})
