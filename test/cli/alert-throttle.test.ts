// The throttle as cron meets it: many `alert` processes started at once with one key, sharing one state dir.
// No clock can be handed to a CLI process, so "after the window" is made by moving the window's start back in the
// state file, the way time would have.
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {ALERTS_BOT, callsOf, envConfigs, jsonOf, ON_CALL, useCliWorld} from './fixture.js'

const world = useCliWorld()
const toOnCall = ['--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id), '--no-host']

interface StoredWindow {
  key: string
  lastSentAt: number
  suppressed: {count: number; since: number} | null
}

/** The one throttle file of the sandbox's state dir. */
function throttleFile(): string {
  const dir = join(world.cli.stateDir, 'throttle')
  const files = readdirSync(dir).filter((name) => name.endsWith('.json'))
  expect(files).toHaveLength(1)
  return join(dir, files[0]!)
}

/** Ends the current window: its start moves an hour back, everything else stays as the processes left it. */
function endWindow(): StoredWindow {
  const path = throttleFile()
  const state = JSON.parse(readFileSync(path, 'utf8')) as StoredWindow
  writeFileSync(path, JSON.stringify({...state, lastSentAt: state.lastSentAt - 3_600_000}))
  return state
}

/** `14:02:11`, or `2025-06-01 14:02:11` when the alert was sent on another UTC day. */
function shownSince(since: number, alertTime: string): string {
  const iso = new Date(since).toISOString()
  return iso.slice(0, 10) === alertTime.slice(0, 10) ? iso.slice(11, 19) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
}

describe('alert processes started together', () => {
  it('50 processes with one key: exactly 1 message; after the window the next one says 49 were suppressed', async () => {
    const startedAt = Date.now()
    // A window of an hour: the 50 starts took 16-22 s on a loaded 2-core machine, and a run that starts after the
    // default minute would send again. The alert after endWindow() has the default window.
    const runs = await Promise.all(Array.from({length: 50}, () => world.run(['alert', 'Backup failed', ...toOnCall, '--throttle-seconds', '3600', '--json'])))
    expect(runs.map((run) => [run.exitCode, run.stderr])).toEqual(Array.from({length: 50}, () => [0, '']))
    const statuses = runs.map((run) => (jsonOf(run) as {status: string}).status)
    expect(statuses.filter((status) => status === 'sent')).toHaveLength(1)
    expect(statuses.filter((status) => status === 'suppressed')).toHaveLength(49)
    const [first, ...others] = callsOf(world.api, 'sendMessage')
    expect(others).toEqual([])
    expect(first!.params.text).toMatch(/^❌ <b>Backup failed<\/b>\n\n<i>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/i>$/)

    const state = endWindow()
    expect(state.key).toBe('alerts:Backup failed')
    expect(state.suppressed?.count).toBe(49)
    expect(state.suppressed!.since).toBeGreaterThanOrEqual(startedAt)

    const next = await world.run(['alert', 'Backup failed', ...toOnCall])
    expect(next).toEqual({stdout: `sent to ${ON_CALL.id}: message 2`, stderr: '', exitCode: 0})
    const sent = callsOf(world.api, 'sendMessage')
    expect(sent).toHaveLength(2)
    const text = sent[1]!.params.text as string
    const time = /<i>(\S+Z)<\/i>$/.exec(text)?.[1] ?? ''
    expect(text).toBe(
      `❌ <b>Backup failed</b>\n\n<i>49 similar alerts suppressed since ${shownSince(state.suppressed!.since, time)} UTC</i>\n<i>${time}</i>`,
    )
    // The count was reported once: the alert after it starts counting again.
    expect(JSON.parse(readFileSync(throttleFile(), 'utf8'))).toMatchObject({suppressed: null})
  }, 120_000)

  it('a suppressed alert says how many were held back and until when; another key or channel is not held back', async () => {
    const sent = await world.run(['alert', 'Disk full', ...toOnCall])
    expect(sent).toEqual({stdout: `sent to ${ON_CALL.id}: message 1`, stderr: '', exitCode: 0})
    const {lastSentAt} = JSON.parse(readFileSync(throttleFile(), 'utf8')) as StoredWindow
    const nextAt = new Date(lastSentAt + 60_000).toISOString()

    const held = await Promise.all([1, 2].map(() => world.run(['alert', 'Disk full', ...toOnCall])))
    expect(held.map((run) => run.exitCode)).toEqual([0, 0])
    expect(held.map((run) => run.stdout).sort()).toEqual([
      `suppressed: 1 alert(s) with key "alerts:Disk full" held back; the next can go at ${nextAt}`,
      `suppressed: 2 alert(s) with key "alerts:Disk full" held back; the next can go at ${nextAt}`,
    ])

    const others = await Promise.all([
      world.run(['alert', 'Disk full', ...toOnCall, '--channel', 'deploy']),
      world.run(['alert', 'Disk full', ...toOnCall, '--throttle-key', 'db-1/disk']),
      world.run(['alert', 'Disk full', ...toOnCall, '--throttle-seconds', '0']),
    ])
    expect(others.map((run) => [run.exitCode, run.stderr])).toEqual([[0, ''], [0, ''], [0, '']])
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(4)
  })

  it('TELEGRAM_ALERT_THROTTLE_SECONDS sets the window; --throttle-seconds wins over it', async () => {
    await world.run(['alert', 'Queue stuck', ...toOnCall], {env: {TELEGRAM_ALERT_THROTTLE_SECONDS: '900'}})
    const {lastSentAt} = JSON.parse(readFileSync(throttleFile(), 'utf8')) as StoredWindow
    const fromEnv = await world.run(['alert', 'Queue stuck', ...toOnCall, '--json'], {env: {TELEGRAM_ALERT_THROTTLE_SECONDS: '900'}})
    expect(jsonOf(fromEnv)).toMatchObject({status: 'suppressed', suppressed: {count: 1, nextAt: new Date(lastSentAt + 900_000).toISOString()}})
    const fromFlag = await world.run(['alert', 'Queue stuck', ...toOnCall, '--throttle-seconds', '7200', '--json'], {
      env: {TELEGRAM_ALERT_THROTTLE_SECONDS: '900'},
    })
    expect(jsonOf(fromFlag)).toMatchObject({status: 'suppressed', suppressed: {count: 2, nextAt: new Date(lastSentAt + 7_200_000).toISOString()}})
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(1)
  })

  it('FASTPAY_TG_STATE_DIR and --state-dir keep their own windows', async () => {
    const elsewhere = join(world.cli.env.HOME!, 'other-state')
    const runs = [
      await world.run(['alert', 'Cert expiring', ...toOnCall]),
      await world.run(['alert', 'Cert expiring', ...toOnCall], {env: {FASTPAY_TG_STATE_DIR: elsewhere}}),
      await world.run(['alert', 'Cert expiring', ...toOnCall, '--state-dir', elsewhere]),
    ]
    expect(runs.map((run) => run.stdout)).toEqual([
      `sent to ${ON_CALL.id}: message 1`,
      `sent to ${ON_CALL.id}: message 2`,
      expect.stringMatching(/^suppressed: 1 alert\(s\) with key "alerts:Cert expiring" held back; /),
    ])
    expect(readdirSync(join(elsewhere, 'throttle')).filter((name) => name.endsWith('.json'))).toHaveLength(1)
  })

  it('a channel is a bot name in any case: OPS, ops and Ops share one window, and the Mute button carries that key', async () => {
    const env = {TELEGRAM_BOT_CONFIGS: envConfigs({name: 'ops', token: ALERTS_BOT.token, chat_ids: [ON_CALL.id]})}
    const first = await world.run(['alert', 'same title', '--channel', 'OPS', '--no-host', '--buttons', 'mute'], {env})
    expect(first).toEqual({stdout: `sent to ${ON_CALL.id}: message 1`, stderr: '', exitCode: 0})
    const dryRun = await world.run(['alert', 'same title', '--channel', 'Ops', '--no-host', '--dry-run'], {env})
    expect(dryRun.stdout).toMatch(/^throttle: key "ops:same title", 60 s window: would be suppressed until /m)
    const held = [await world.run(['alert', 'same title', '--channel', 'ops', '--no-host'], {env}), await world.run(['alert', 'same title', '--channel', 'Ops', '--no-host'], {env})]
    expect(held.map((run) => [run.exitCode, run.stderr, run.stdout.replace(/ at \S+$/, '')])).toEqual([
      [0, '', 'suppressed: 1 alert(s) with key "ops:same title" held back; the next can go'],
      [0, '', 'suppressed: 2 alert(s) with key "ops:same title" held back; the next can go'],
    ])
    const sent = callsOf(world.api, 'sendMessage')
    expect(sent).toHaveLength(1)
    // A lowercase channel's key is the one it always had, so windows and mutes written before still apply.
    expect((JSON.parse(readFileSync(throttleFile(), 'utf8')) as StoredWindow).key).toBe('ops:same title')
    const markup = sent[0]!.params.reply_markup as {inline_keyboard: Array<Array<{callback_data: string}>>}
    expect(markup.inline_keyboard[0]![0]!.callback_data).toMatch(/^mute:ops:same title:3600:[\w-]{16}$/)
  })
})
