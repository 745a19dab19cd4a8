// Each door's --help says what it guarantees, in the words of README's "What each door guarantees" table: the
// built CLI's help, whitespace folded (oclif wraps descriptions to the terminal).
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {createCliSandbox} from '../helpers/run-cli.js'

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8')
const fold = (text: string) => text.replace(/\s+/g, ' ')

/** The README table's row for a door, by its first cell. */
function tableRow(door: string): string {
  const row = README.split('\n').find((line) => line.startsWith(`| ${door} |`))
  if (row === undefined) throw new Error(`README's guarantee table has no row for ${door}`)
  return row
}

/** `says`: in --help; `rowSays`: the same promise in the README row. */
const DOORS: Array<{command: string[]; row: string; says: string[]; rowSays: string[]}> = [
  {
    command: ['send'],
    row: '`send --outbox`',
    says: ['With --outbox, chats Telegram cannot take it for now', 'exactly once', 'nothing is kept once the run gives up'],
    rowSays: ['spooled, exit 75', 'once by a later `alert flush`'],
  },
  {command: ['alert'], row: '`alert`', says: ['spooled to the outbox (exit 75)', 'delivered once later', 'one alert per throttle key per window'], rowSays: ['spooled, exit 75', 'one per key per window']},
  {
    command: ['digest'],
    row: '`digest`',
    says: ['one digest per channel and --since per throttle window', 'exits 0, --force sends anyway', 'the chart is not spooled'],
    rowSays: ['`--force` sends anyway', 'exit 75', 'the chart of a spooled digest'],
  },
  {command: ['deploy'], row: '`deploy`, the Action', says: ['one message per chat per deploy', 'reported as not sent, exit 3', 'never spooled'], rowSays: ['one message per chat per deploy', 'not sent', 'never spooled']},
  {command: ['monitor', 'run'], row: '`monitor run` / `watch`', says: ['one alert per state change', 'stays pending', 'delivered once later'], rowSays: ['one alert per state change', 'stays pending']},
  {command: ['webhook', 'serve'], row: '`webhook serve`', says: ['one reply per accepted update', 'rate limiter every door shares', 'logged, not queued'], rowSays: ['duplicate `update_id`s skipped', 'then logged']},
]

describe('--help says what each door guarantees', () => {
  const cli = createCliSandbox()
  afterAll(() => cli.cleanup())
  for (const door of DOORS) {
    it(`${door.command.join(' ')}: a Guarantee line, as the README table row ${door.row} has it`, async () => {
      const result = await cli.run([...door.command, '--help'])
      expect(result.exitCode).toBe(0)
      const help = fold(result.stdout)
      expect(help).toContain('Guarantee: ')
      for (const phrase of door.says) expect(help).toContain(phrase)
      for (const phrase of door.rowSays) expect(tableRow(door.row)).toContain(phrase)
    })
  }

  it('send --help names --outbox among its flags and exit 75', async () => {
    const help = fold((await cli.run(['send', '--help'])).stdout)
    expect(help).toMatch(/--outbox When Telegram cannot take it now/)
    expect(help).toContain('75 (--outbox) it waits in the outbox')
  })
})
