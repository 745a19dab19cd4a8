// A 429 whose retry_after is longer than the client waits is kept in the store (a hash of the token names the bot):
// until then every later run holds back, so that a flood wait is not made longer by asking again. The clock knob
// FASTPAY_TG_FLOOD_WAIT_AHEAD_MS stands for the wait being over.
import {createHash} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {filesUnder} from '../helpers/files-under.js'
import {ALERTS_BOT, callsOf, HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from './fixture.js'

const world = useCliWorld()
const REGISTRY = `bots:\n  - name: alerts\n    token: ${ALERTS_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`
const WAIT_OVER = {FASTPAY_TG_FLOOD_WAIT_AHEAD_MS: '121000'}
const sendCalls = () => callsOf(world.api, 'sendMessage').length

interface KeptWait {
  key: string
  value: {notBefore: string}
  updatedAt: number
  expiresAt: number
}

/** The one flood wait in the state dir, as "2025-06-01 12:02:00 UTC", after checking what names it and how long it lives. */
function keptWait(token: string, seconds: number): string {
  const stateFiles = filesUnder(join(world.cli.stateDir, 'state'))
  const kept = stateFiles.map((name) => JSON.parse(readFileSync(join(world.cli.stateDir, 'state', name), 'utf8')) as KeptWait)
  expect(kept.map((document) => document.key)).toEqual([`flood-wait/${createHash('sha256').update(token).digest('hex').slice(0, 32)}`])
  const [document] = kept
  expect(document!.expiresAt - document!.updatedAt).toBe(seconds * 1000)
  return `${document!.value.notBefore.slice(0, 19).replace('T', ' ')} UTC`
}

/** No file name or content of the state dir holds the token, nor its secret half. */
function expectNoTokenIn(dir: string, token: string): void {
  for (const name of filesUnder(dir)) {
    const text = `${name}\n${readFileSync(join(dir, name), 'utf8')}`
    expect(text).not.toContain(token.split(':')[1])
  }
}

describe('a 429 longer than the client waits', () => {
  it('alert, alert flush and send --outbox hold back until then (no request), and deliver once it is over', async () => {
    writeRegistry(world.cli, REGISTRY)
    world.api.failNext({method: 'sendMessage', kind: {status: 429, retryAfter: 120}})
    const first = await world.run(['alert', 'long 429', '--no-host'])
    expect(first.exitCode).toBe(75)
    expect(first.stdout).toContain('Telegram asks this bot to wait 120 s before sending again')
    expect(sendCalls()).toBe(1)
    const until = keptWait(ALERTS_BOT.token, 120)
    const held = `Call to 'sendMessage' not made: Telegram asked this bot to wait until ${until}`

    const second = await world.run(['alert', 'still limited', '--no-host'])
    expect(second).toEqual({
      exitCode: 75,
      stderr: '',
      stdout: expect.stringMatching(new RegExp(`^spooled to the outbox \\(\\S+\\) for ${ON_CALL.id}: ${escapeRegExp(held)}\n`)),
    })
    const flushed = await world.run(['alert', 'flush'])
    expect(flushed).toEqual({exitCode: 75, stdout: '2 alert(s) still waiting', stderr: `Warning: bot alerts: ${held}`})
    const kept = await world.run(['send', '--bot', 'alerts', '--outbox', 'nightly close done'])
    expect(kept.exitCode).toBe(75)
    expect(kept.stdout).toMatch(new RegExp(`^spooled to the outbox \\(\\S+\\) for ${ON_CALL.id}: ${escapeRegExp(held)}; `))
    expect(sendCalls()).toBe(1)

    const later = await world.run(['alert', 'flush'], {env: WAIT_OVER})
    expect(later.exitCode).toBe(0)
    expect(later.stdout.split('\n').at(-1)).toBe('outbox empty')
    expect(world.api.messages(ON_CALL.id).map((message) => message.text?.split('\n')[0])).toEqual([
      '❌ long 429',
      '❌ still limited',
      'nightly close done',
    ])
    expectNoTokenIn(world.cli.stateDir, ALERTS_BOT.token)
  }, 60_000)

  it('send fails the chat as the 429 itself did (same exit code) without calling Telegram, and sends once it is over', async () => {
    world.api.failNext({method: 'sendMessage', kind: {status: 429, retryAfter: 3600}})
    const toOnCall = ['--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id)]
    const limited = await world.run(['send', ...toOnCall, 'first'])
    expect(limited.exitCode).toBe(1)
    expect(limited.stderr).toContain('Telegram asks this bot to wait 3600 s before sending again')
    const until = keptWait(ALERTS_BOT.token, 3600)

    const held = await world.run(['send', ...toOnCall, 'second'])
    expect(held).toEqual({
      exitCode: limited.exitCode,
      stdout: '',
      stderr: limited.stderr.replace(/Call to 'sendMessage' failed .*$/, `Call to 'sendMessage' not made: Telegram asked this bot to wait until ${until}`),
    })
    expect(sendCalls()).toBe(1)
    // Another bot is not held back by this one's wait.
    expect((await world.run(['send', '--token', HEALTH_BOT.token, '--chat', String(ON_CALL.id), 'other bot'])).exitCode).toBe(0)

    const over = await world.run(['send', ...toOnCall, 'third'], {env: {FASTPAY_TG_FLOOD_WAIT_AHEAD_MS: '3601000'}})
    expect(over).toEqual({exitCode: 0, stdout: `sent to ${ON_CALL.id}: message 2`, stderr: ''})
    expect(world.api.messages(ON_CALL.id).map((message) => message.text)).toEqual(['other bot', 'third'])
  }, 60_000)

  it("a monitor pass leaves its bot's entries waiting until then, and delivers them once it is over", async () => {
    writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
    world.api.failNext({method: 'sendMessage', kind: {status: 429, retryAfter: 120}})
    expect((await world.run(['alert', '--channel', 'health', 'disk full', '--no-host'])).exitCode).toBe(75)
    const until = keptWait(HEALTH_BOT.token, 120)
    const file = join(world.cli.env.HOME!, 'monitors.yml')
    writeFileSync(file, 'checks:\n  - {name: ok, type: command, run: ["true"]}\n')

    // Silent but for the exit code, as with Telegram down (cron mails any output); --verbose says until when.
    expect(await world.run(['monitor', 'run', '--file', file])).toEqual({exitCode: 75, stdout: '', stderr: ''})
    const pass = await world.run(['monitor', 'run', '--file', file, '--verbose'])
    expect(pass.exitCode).toBe(75)
    expect(pass.stdout.split('\n')).toContain(`outbox waiting (bot health): Call to 'sendMessage' not made: Telegram asked this bot to wait until ${until}`)
    expect(sendCalls()).toBe(1)
    const over = await world.run(['monitor', 'run', '--file', file], {env: WAIT_OVER})
    expect(over).toEqual({exitCode: 0, stderr: '', stdout: expect.stringMatching(new RegExp(`^outbox delivered \\S+ \\(bot health\\) to ${ON_CALL.id}$`))})
    expect(sendCalls()).toBe(2)
  }, 60_000)
})

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
