// `bots remove`: asks on a terminal, `--yes` skips the question, and without a terminal refuses unless `--yes`.
import {describe, expect, it} from 'vitest'

import {runOnTerminal, screenLines} from '../helpers/run-on-terminal.js'
import {envConfigs, expectUsageError, HEALTH_BOT, jsonOf, readRegistry, REGISTRY_DISPLAY, TWO_BOTS, useCliWorld, writeRegistry} from './fixture.js'

const world = useCliWorld()
const withoutAlerts = `bots:\n${TWO_BOTS.split('\n').slice(6).join('\n')}`

describe('bots remove', () => {
  it('--yes removes the bot from the file; the others stay as they were', async () => {
    writeRegistry(world.cli, TWO_BOTS)
    const result = await world.run(['bots', 'remove', 'alerts', '--yes', '--json'])
    expect(result.stderr).toBe('')
    expect(jsonOf(result)).toEqual({name: 'alerts', id: 1})
    expect(readRegistry(world.cli)).toBe(withoutAlerts)
    const shown = await world.run(['config', 'show', '--bot', 'alerts'])
    expectUsageError(shown, `Error: unknown bot "alerts": not in ${REGISTRY_DISPLAY} nor TELEGRAM_BOT_CONFIGS`)
  })

  it('without a terminal and without --yes: one line naming --yes, exit 2, file untouched', async () => {
    writeRegistry(world.cli, TWO_BOTS)
    const result = await world.run(['bots', 'remove', 'alerts'])
    expectUsageError(result, `Error: --yes is needed to remove bot alerts (id 1) from ${REGISTRY_DISPLAY} when stdin is not a terminal; nothing was changed`)
    expect(readRegistry(world.cli)).toBe(TWO_BOTS)
  })

  it('on a terminal: asks, and "y" removes', async () => {
    writeRegistry(world.cli, TWO_BOTS)
    const question = `Remove bot alerts (id 1) from ${REGISTRY_DISPLAY}? [y/N] `
    const {screen, exitCode} = await runOnTerminal(world.cli.env, ['bots', 'remove', 'ALERTS'], question, 'y\r')
    expect(exitCode).toBe(0)
    expect(screenLines(screen)).toEqual([`${question}y`, 'removed bot alerts (id 1)'])
    expect(readRegistry(world.cli)).toBe(withoutAlerts)
  })

  it('on a terminal: Enter (or anything but yes) cancels with exit 2 and keeps the bot', async () => {
    writeRegistry(world.cli, TWO_BOTS)
    const question = `Remove bot deploy (id 2) from ${REGISTRY_DISPLAY}? [y/N] `
    const {screen, exitCode} = await runOnTerminal(world.cli.env, ['bots', 'remove', '2'], question, '\r')
    expect(exitCode).toBe(2)
    expect(screenLines(screen)).toEqual([question.trim(), 'Error: cancelled: bot deploy was kept'])
    expect(readRegistry(world.cli)).toBe(TWO_BOTS)
  })

  it('an unknown bot is named before anything is asked', async () => {
    writeRegistry(world.cli, TWO_BOTS)
    expectUsageError(await world.run(['bots', 'remove', 'payments']), `Error: unknown bot "payments": not in ${REGISTRY_DISPLAY}`)
  })

  it('a bot of TELEGRAM_BOT_CONFIGS only: bots remove, update, enable and disable say where it is and how to move it, exit 2', async () => {
    writeRegistry(world.cli, TWO_BOTS)
    const env = {TELEGRAM_BOT_CONFIGS: envConfigs({name: 'payouts', token: HEALTH_BOT.token, chat_ids: [4242]})}
    const results = await Promise.all([
      world.run(['bots', 'remove', 'payouts', '--yes'], {env}),
      world.run(['bots', 'update', 'Payouts', '--chat', '1'], {env}),
      world.run(['bots', 'enable', 'payouts'], {env}),
      world.run(['bots', 'disable', 'PAYOUTS'], {env}),
    ])
    const line = `bot "payouts" is in TELEGRAM_BOT_CONFIGS, not in ${REGISTRY_DISPLAY}: bots remove, update, enable and disable change registry bots; to move it there: fastpay-tg bots add payouts --token - --chat …`
    for (const result of results) expectUsageError(result, `Error: ${line}`)
    expect(readRegistry(world.cli)).toBe(TWO_BOTS)
  })
})
