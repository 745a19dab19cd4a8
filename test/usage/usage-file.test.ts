// The usage stats file: appended lines merged in order, torn lines skipped, renames and resets, compaction.
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {appendUsageLinesSync, readUsage} from '../../src/usage/usage-file.js'
import {mergeUsage} from '../../src/usage/usage-record.js'
import {tempDir} from '../throttle/helpers.js'

const line = (bot: string, door: string, sent: number, failed: number, at?: string) =>
  JSON.stringify({bot, door, sent, failed, ...(at ? {lastSentAt: at} : {})})

describe('mergeUsage', () => {
  it('adds counts, keeps the latest times, skips a torn or foreign line, follows renames and resets', () => {
    const text = [
      line('alerts', 'send', 2, 0, '2026-12-01T08:00:00.000Z'),
      line('Alerts', 'send', 1, 1, '2026-12-01T07:00:00.000Z'),
      '{"bot":"alerts","door":"se',
      'not json',
      line('deploy', 'deploy', 1, 0),
      JSON.stringify({rename: 'deploy', to: 'releases'}),
      line('releases', 'send', 4, 0),
      line('gone', 'send', 9, 0),
      JSON.stringify({reset: 'GONE'}),
      '',
    ].join('\n')
    expect(mergeUsage(text)).toEqual([
      {bot: 'alerts', sent: 3, failed: 1, lastSentAt: '2026-12-01T08:00:00.000Z', doors: {send: {sent: 3, failed: 1, lastSentAt: '2026-12-01T08:00:00.000Z'}}},
      {bot: 'releases', sent: 5, failed: 0, doors: {deploy: {sent: 1, failed: 0}, send: {sent: 4, failed: 0}}},
    ])
  })

  it('lists bots and doors by name, case-insensitively, the same in every locale (code points, no collator)', () => {
    const text = ['deploy', 'Zeta', 'alerts', 'Beta', 'beta2'].map((bot) => line(bot, bot === 'alerts' ? 'webhook' : 'send', 1, 0)).join('\n')
    const usage = mergeUsage(`${text}\n${line('alerts', 'alert', 1, 0)}\n${line('alerts', 'send', 1, 0)}\n`)
    expect(usage.map((bot) => bot.bot)).toEqual(['alerts', 'Beta', 'beta2', 'deploy', 'Zeta'])
    expect(Object.keys(usage[0]!.doors)).toEqual(['alert', 'send', 'webhook'])
  })
})

describe('a line torn by a crash mid-write', () => {
  const torn = '{"bot":"alerts","door":"se'

  it('the next run starts its line on a new one: only the torn run is lost', async () => {
    const path = join(tempDir('fastpay-tg-usage-'), 'bot-usage.jsonl')
    writeFileSync(path, `${line('alerts', 'send', 1, 0)}\n${torn}`)
    appendUsageLinesSync(path, [{bot: 'alerts', door: 'send', sent: 1, failed: 0}])
    expect(readFileSync(path, 'utf8')).toBe(`${line('alerts', 'send', 1, 0)}\n${torn}\n${line('alerts', 'send', 1, 0)}\n`)
    appendUsageLinesSync(path, [{bot: 'alerts', door: 'send', sent: 1, failed: 0}])
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(5)
    expect((await readUsage(path)).map((bot) => [bot.bot, bot.sent])).toEqual([['alerts', 3]])
  })

  it('a line an earlier version glued onto the torn one is still counted', () => {
    const glued = `${torn}${line('alerts', 'send', 2, 0)}`
    const withError = JSON.stringify({bot: 'alerts', door: 'alert', sent: 0, failed: 1, lastError: {at: '2026-12-01T08:00:00.000Z', message: 'down'}})
    const text = [line('alerts', 'send', 1, 0), glued, `{"bot":"alerts","door":"alert","sent":0,"failed":1,"lastError":{"at":"x"${withError}`, ''].join('\n')
    expect(mergeUsage(text).map((bot) => [bot.bot, bot.sent, bot.failed])).toEqual([['alerts', 3, 1]])
  })
})

describe('readUsage', () => {
  it('folds a file past its size limit into one line per bot and door, with the same totals', async () => {
    const path = join(tempDir('fastpay-tg-usage-'), 'bot-usage.jsonl')
    const runs = Array.from({length: 8000}, (_, index) => line(index % 2 ? 'alerts' : 'deploy', 'send', 1, index % 10 === 0 ? 1 : 0))
    writeFileSync(path, `${runs.join('\n')}\n`)
    const usage = await readUsage(path)
    expect(usage.map((bot) => [bot.bot, bot.sent, bot.failed])).toEqual([
      ['alerts', 4000, 0],
      ['deploy', 4000, 800],
    ])
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2)
    expect(await readUsage(path)).toEqual(usage)
  })
})
