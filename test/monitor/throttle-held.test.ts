// A check's `throttle` holds back a flapping check's alerts; it must not leave the chat believing the last thing it
// was told. A change alert the throttle held goes out once the window is over if the check is still that way, and
// is dropped (never sent late) when the check went back to what the chat last heard.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {type FlipServer, monitorsFrom, startFlipServer, useMonitorWorld} from './helpers.js'

const world = useMonitorWorld()
let server: FlipServer
beforeEach(async () => {
  server = await startFlipServer()
})
afterEach(() => server.close())

async function flappingCheck() {
  const {config} = await monitorsFrom(`checks:\n  - {name: api, type: http, url: "${server.url}/health", failure-threshold: 1, throttle: 3m, timeout: 2s}\n`)
  return config.checks
}

const titles = () => world.texts().map((text) => text.split('\n')[0])

/** 14:00 down (sent), 14:01 up (sent), 14:02 down again: inside the 3m window of the first down alert. */
async function flapDownAgain(checks: Awaited<ReturnType<typeof flappingCheck>>) {
  server.answer = 'error'
  await world.pass(checks)
  server.answer = 'ok'
  await world.pass(checks)
  server.answer = 'error'
  return world.pass(checks)
}

describe('a change alert held by the throttle', () => {
  it('goes out once the window is over when the check is still down', async () => {
    const checks = await flappingCheck()
    const held = await flapDownAgain(checks)
    expect(held.alerts.map(({status, event}) => [status, event])).toEqual([['suppressed', 'down']])
    expect(titles()).toEqual(['❌ api is down', 'ℹ️ api is up again'])

    await world.pass(checks) // 14:03 still down, the window is over: the chat must hear it is down
    await world.pass(checks) // 14:04 still down: nothing new
    expect(titles()).toEqual(['❌ api is down', 'ℹ️ api is up again', '❌ api is down'])
    expect(world.texts()[2]).toMatch(/\ndelayed: could not be sent at 14:02:00 UTC: held back by the throttle until 14:03:00 UTC/)
    expect((await world.store.readState()).state.checks.api!.pendingAlert).toBeUndefined()
  })

  it('is dropped when the check went back before the window was over', async () => {
    const checks = await flappingCheck()
    await flapDownAgain(checks) // 14:02 down: held
    server.answer = 'ok'
    await world.pass(checks) // 14:03 up again: the chat's "up again" is true once more
    await world.pass(checks) // 14:04
    await world.pass(checks) // 14:05
    expect(titles()).toEqual(['❌ api is down', 'ℹ️ api is up again'])
    expect((await world.store.readState()).state.checks.api!.pendingAlert).toBeUndefined()
  })
})

describe('an up-again alert held by the throttle', () => {
  it('goes out once the window is over telling how long the check was down', async () => {
    const checks = await flappingCheck()
    await flapDownAgain(checks) // 14:02 down: held until 14:03 (the up-again window runs to 14:04)
    await world.pass(checks) // 14:03 still down: the held down alert goes
    world.clock.now -= 30_000
    server.answer = 'ok'
    const held = await world.pass(checks) // 14:03:30 up again, inside the up-again window: held
    expect(held.alerts.map(({status, event}) => [status, event])).toEqual([['suppressed', 'recovered']])
    await world.pass(checks) // 14:04:30 still up, the window is over
    expect(titles()).toEqual(['❌ api is down', 'ℹ️ api is up again', '❌ api is down', 'ℹ️ api is up again'])
    expect(world.texts()[3]).toMatch(/\ndown for: 1m 30s\n/)
  })
})

describe('a down alert held by the throttle after an up-again alert Telegram refused', () => {
  it('does not leave the chat believing the check is down once it is up again', async () => {
    const checks = await flappingCheck()
    server.answer = 'error'
    await world.pass(checks) // 14:00 down: sent
    server.answer = 'ok'
    world.api.failNext({method: 'sendMessage', kind: {status: 401}})
    const refused = await world.pass(checks) // 14:01 up again: refused, pending
    expect(refused.alerts.map(({status, event}) => [status, event])).toEqual([['refused', 'recovered']])
    server.answer = 'error'
    await world.pass(checks) // 14:02 down again, inside the down window: the chat still believes it is down
    server.answer = 'ok'
    for (let pass = 0; pass < 3; pass++) await world.pass(checks) // 14:03 up again, and stays up
    expect(titles().at(-1)).toBe('ℹ️ api is up again')
    expect((await world.store.readState()).state.checks.api!.pendingAlert).toBeUndefined()
  })
})

describe('a held down alert and reminders', () => {
  it('the first reminder comes a reminder interval after the held alert went, not sooner', async () => {
    const {config} = await monitorsFrom(
      `checks:\n  - {name: api, type: http, url: "${server.url}/health", failure-threshold: 1, throttle: 3m, reminder-interval: 2m, timeout: 2s}\n`,
    )
    await flapDownAgain(config.checks) // 14:02 down again: held until 14:03
    await world.pass(config.checks) // 14:03 still down: the held down alert goes
    await world.pass(config.checks) // 14:04: a minute after the chat heard "down"
    expect(titles()).toEqual(['❌ api is down', 'ℹ️ api is up again', '❌ api is down'])
    await world.pass(config.checks) // 14:05: the interval is over
    expect(titles().at(-1)).toBe('❌ api is still down')
  })
})
