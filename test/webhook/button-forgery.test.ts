// Forged alert buttons against the spawned `webhook serve`: presses whose data the toolkit did not sign, signed data
// pressed on another message, in a chat that does not receive the channel, or through another bot. Each gets a
// polite callback answer and a log line, and changes nothing: no edit, no mute (the throttle still lets alerts by).
import {join} from 'node:path'

import type {Message} from '@grammyjs/types'
import {describe, expect, it} from 'vitest'

import {throttleDirIn} from '../../src/support/state-dir.js'
import {BotApiClient} from '../../src/api/index.js'
import {FileKeyValue} from '../../src/store/file/file-key-value.js'
import {FileThrottle} from '../../src/store/file/file-throttle.js'
import {type AlertButtonsOptions, prepareAlertButtons} from '../../src/webhook/alert-buttons.js'
import {ALERTS_BOT, ANA, BOB, BOB_CHAT, callbackUpdate, callsOf, DEPLOY_BOT, OPS_GROUP, REGISTRY, SECRET, useWorld, writeRegistry} from './fixture.js'
import {type ServeProcess, useServeProcesses} from './serve-process.js'

const world = useWorld()
const startServe = useServeProcesses()

const HEADER = {'X-Telegram-Bot-Api-Secret-Token': SECRET}
type Bot = typeof ALERTS_BOT

const signed = (key: string, options: AlertButtonsOptions & {bot?: Bot; channel?: string} = {}) =>
  prepareAlertButtons(key, {
    keyValue: new FileKeyValue({dir: join(world.cli.stateDir, 'state')}),
    botId: (options.bot ?? ALERTS_BOT).id,
    channel: options.channel ?? 'alerts',
    ...options,
  })

async function send(chatId: number, markup: Message['reply_markup'], bot: Bot = ALERTS_BOT): Promise<Message> {
  const client = new BotApiClient({token: bot.token, apiRoot: world.api.url})
  return (await client.sendMessage({chat_id: chatId, text: 'DB down on db-1', reply_markup: markup})) as Message
}

const dataOf = (markup: Message['reply_markup'], index = 0) => (markup!.inline_keyboard[0]![index] as {callback_data: string}).callback_data

async function serve(): Promise<ServeProcess> {
  writeRegistry(world.cli, REGISTRY)
  return startServe(world.cli, [], {TELEGRAM_WEBHOOK_SECRET: SECRET})
}

/** Nothing changed: no message edited, and `db:down` still not muted. */
async function expectNothingChanged(): Promise<void> {
  expect(callsOf(world.api, 'editMessageText')).toEqual([])
  expect((await new FileThrottle({dir: throttleDirIn(world.cli.stateDir)}).decide('db:down', 0)).send).toBe(true)
}

const answers = () => callsOf(world.api, 'answerCallbackQuery').map((request) => request.params)

describe('forged alert buttons are refused, answered and logged', () => {
  it.each(['ack', 'mute'] as const)('%s: unsigned data (the old format, or typed by hand) on a real alert', async (kind) => {
    const server = await serve()
    const alert = await send(OPS_GROUP.id, await signed('db:down'))
    const forged = kind === 'ack' ? 'ack:db:down' : 'mute:db:down:604800'
    expect(await server.post(1, callbackUpdate(1, alert, BOB, forged), HEADER)).toEqual({status: 200, text: ''})
    await server.waitForLine(new RegExp(`^alerts: refused "${forged}" from Bob \\(id 5151\\) in chat -1001234567890: not signed$`))
    expect(answers()).toEqual([{callback_query_id: 'cbq-1', text: 'This button is not one fastpay-tg signed (made by an older version, or forged). Nothing was changed.', show_alert: true}])
    await expectNothingChanged()
  })

  it.each(['ack', 'mute'] as const)('%s: a made-up signature, even on a message that carries that button', async (kind) => {
    const server = await serve()
    await signed('other:key') // the bot has a key: the signature is what fails
    const forged = kind === 'ack' ? `ack:db:down:${'A'.repeat(16)}` : `mute:db:down:604800:${'A'.repeat(16)}`
    const message = await send(OPS_GROUP.id, {inline_keyboard: [[{text: 'Mute', callback_data: forged}]]})
    await server.post(1, callbackUpdate(2, message, BOB, forged), HEADER)
    await server.waitForLine(new RegExp(`^alerts: refused ${kind} ".+" from Bob \\(id 5151\\) in chat -1001234567890: the signature does not match$`))
    expect(answers()).toEqual([{callback_query_id: 'cbq-2', text: 'This button was not made by this bot. Nothing was changed.', show_alert: true}])
    await expectNothingChanged()
  })

  it.each([0, 1])('button %i (ack, mute) of one alert pressed on another message: not on that message', async (index) => {
    const server = await serve()
    const real = await signed('db:down')
    await send(OPS_GROUP.id, real)
    const other = await send(OPS_GROUP.id, await signed('disk:full'))
    await server.post(1, callbackUpdate(3, other, ANA, dataOf(real, index)), HEADER)
    await server.waitForLine(new RegExp(`^alerts: refused ${index === 0 ? 'ack' : 'mute'} ".+" from @ana_oncall \\(id 4242\\) in chat -1001234567890: the button is not on message ${other.message_id}$`))
    expect(answers()).toEqual([{callback_query_id: 'cbq-3', text: 'This button is not on this message. Nothing was changed.', show_alert: true}])
    await expectNothingChanged()
  })

  it.each([0, 1])('button %i of a real alert, on a message in a chat that does not receive the channel', async (index) => {
    const server = await serve()
    const markup = await signed('db:down')
    // The same signed keyboard, in Bob's private chat with the bot: Bob receives no channel.
    const inPrivate = await send(BOB_CHAT.id, markup)
    await server.post(1, callbackUpdate(4, inPrivate, BOB, dataOf(markup, index)), HEADER)
    await server.waitForLine(/^alerts: refused (ack|mute) ".+" from Bob \(id 5151\) in chat 5151: chat 5151 does not receive channel alerts$/)
    expect(answers()).toEqual([{callback_query_id: 'cbq-4', text: 'This chat does not receive the alerts channel. Nothing was changed.', show_alert: true}])
    await expectNothingChanged()
  })

  it('a button signed for a channel the chat does not receive (health), in a chat that receives alerts', async () => {
    const server = await serve()
    const markup = await signed('db:down', {channel: 'health', buttons: ['mute']})
    const alert = await send(OPS_GROUP.id, markup)
    await server.post(1, callbackUpdate(5, alert, ANA, dataOf(markup)), HEADER)
    await server.waitForLine(/: chat -1001234567890 does not receive channel health$/)
    await expectNothingChanged()
  })

  it.each([0, 1])("button %i signed by the alerts bot, sent and pressed through the deploy bot: the other bot's key refuses it", async (index) => {
    const server = await serve()
    await signed('other:key', {bot: DEPLOY_BOT, channel: 'deploy'}) // deploy has a key of its own
    const markup = await signed('db:down')
    const viaDeploy = await send(OPS_GROUP.id, markup, DEPLOY_BOT)
    await server.post(2, callbackUpdate(6, viaDeploy, ANA, dataOf(markup, index)), HEADER)
    await server.waitForLine(/^deploy: refused (ack|mute) ".+" from @ana_oncall \(id 4242\) in chat -1001234567890: the signature does not match$/)
    expect(answers()).toEqual([{callback_query_id: 'cbq-6', text: 'This button was not made by this bot. Nothing was changed.', show_alert: true}])
    await expectNothingChanged()
  })

  it('a press on a message the bot can no longer see (date 0, no keyboard) is refused', async () => {
    const server = await serve()
    const markup = await signed('db:down')
    const alert = await send(OPS_GROUP.id, markup)
    const inaccessible = {chat: alert.chat, message_id: alert.message_id, date: 0} as unknown as Message
    await server.post(1, callbackUpdate(7, inaccessible, ANA, dataOf(markup, 1)), HEADER)
    await server.waitForLine(/: the pressed message is not visible to the bot$/)
    expect(answers()).toEqual([{callback_query_id: 'cbq-7', text: 'This alert is too old to check its buttons. Nothing was changed.', show_alert: true}])
    await expectNothingChanged()
  })

  it('the genuine press after all the forgeries still works: same alert, same chat, same bot', async () => {
    const server = await serve()
    const markup = await signed('db:down')
    const alert = await send(OPS_GROUP.id, markup)
    await server.post(1, callbackUpdate(8, alert, BOB, 'mute:db:down:604800'), HEADER)
    await server.post(1, callbackUpdate(9, alert, BOB, dataOf(markup, 1)), HEADER)
    await server.waitForLine(/^alerts: muted for 1h "db:down" by Bob in chat -1001234567890/)
    expect(server.countLines(/^alerts: refused /)).toBe(1)
    expect((await new FileThrottle({dir: throttleDirIn(world.cli.stateDir)}).decide('db:down', 0)).send).toBe(false)
  })

  it('without the secret, a made-up update cannot even reach the button handler', async () => {
    const server = await serve()
    const markup = await signed('db:down')
    const alert = await send(OPS_GROUP.id, markup)
    expect(await server.post(1, callbackUpdate(10, alert, BOB, dataOf(markup, 1)))).toEqual({status: 401, text: 'wrong or missing secret token header\n'})
    expect(answers()).toEqual([])
    await expectNothingChanged()
  })
})
