// The alert fast path parses plain `alert` lines itself (bin/run.js, before oclif loads): what it parses must come
// out exactly as oclif's parser gives it, and whatever it cannot be sure of must go to oclif.
import {Flags, Parser} from '@oclif/core'
import {createRequire} from 'node:module'
import {describe, expect, it} from 'vitest'

import Alert from '../../commands/alert.js'
import {BaseCommand} from '../../commands/base-command.js'
import {COMMANDS} from '../../commands/index.js'
import {ALERT_SUBCOMMANDS, FLAGS, parseAlertLine} from '../../commands/support/alert-argv.js'

const flagInput = {...BaseCommand.baseFlags, ...Alert.flags}
const declared = flagInput as Record<string, Record<string, unknown>>

/** oclif's reading of `alert <line>`: the flags set (given, from a variable, or defaulted) and the title. */
async function oclifParse(line: string[], env: NodeJS.ProcessEnv) {
  const saved = {...process.env}
  Object.assign(process.env, env)
  try {
    const args = Object.fromEntries(Object.entries(Alert.args).map(([name, arg]) => [name, {...arg, ignoreStdin: true}]))
    const {flags, args: parsedArgs, metadata} = await Parser.parse(line, {flags: {...flagInput, json: Flags.boolean()}, args, strict: true})
    const given = Object.keys(flags).filter((name) => !metadata.flags[name]?.setFromDefault)
    return {flags, args: parsedArgs, given: new Set(given)}
  } finally {
    for (const key of Object.keys(env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
  }
}

const PLAIN: string[][] = [
  ['Disk full'],
  ['Disk full', '--severity', 'warning', '--field', 'host=db1', '--field', 'used=93%'],
  ['--chat', '1', '--chat=-100200', 'Backup failed', '--channel', 'deploy', '--no-host', '--silent', '--chat', '-1001234567890'],
  ['Payment errors', '--body', '-', '--max-bytes', '2048', '--throttle-seconds', '0', '--throttle-key=a=b'],
  ['x', '--token', '7012345678:AAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U', '--timeout', '007', '--state-dir', '/tmp/s', '--dry-run'],
  ['x', '--template', 't.html', '--buttons', 'ack,mute', '--bot', 'alerts', '--config', '/c.yml', '--field', ''],
  ['Backup failed', '--json', '--no-host'],
]

describe('the alert fast path: parsing a plain alert line', () => {
  it('knows every flag alert takes, as declared (--json apart; --debug goes to oclif)', () => {
    const expected = Object.fromEntries(
      Object.entries(declared)
        .filter(([name]) => name !== 'debug')
        .map(([name, flag]) => {
          const type = flag.type === 'boolean' ? 'boolean' : typeof flag.min === 'number' || typeof flag.default === 'number' ? 'integer' : 'string'
          const spec = {type, multiple: flag.multiple, default: flag.default, env: flag.env, min: flag.min, max: flag.max}
          return [name, Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== undefined && value !== false))]
        }),
    )
    expect(FLAGS).toEqual(expected)
    // The integer flags are oclif's integer flags.
    for (const [name, spec] of Object.entries(FLAGS)) if (spec.type === 'integer') expect(declared[name]!.parse, name).toBeTypeOf('function')
  })

  it('leaves `alert flush` and `alert outbox` to oclif: its subcommands are exactly those', () => {
    const subcommands = Object.keys(COMMANDS).filter((id) => id.startsWith('alert:')).map((id) => id.slice('alert:'.length))
    expect([...ALERT_SUBCOMMANDS].sort()).toEqual(subcommands.sort())
    // bin/run.js sends them to oclif before loading the fast path.
    expect([...createRequire(import.meta.url)('../../bin/run.js').ALERT_SUBCOMMANDS].sort()).toEqual(subcommands.sort())
    for (const word of subcommands) expect(parseAlertLine(['alert', word], {})).toBeUndefined()
  })

  it.each(PLAIN)('parses %j as oclif does', async (...line) => {
    const ours = parseAlertLine(['alert', ...line], {})
    const theirs = await oclifParse(line, {})
    expect(ours).toBeDefined()
    expect(ours!.flags).toEqual(Object.fromEntries(Object.entries(theirs.flags).filter(([name]) => name !== 'json')))
    expect(ours!.json).toBe(theirs.flags.json === true)
    expect(ours!.args).toEqual(theirs.args)
    expect(ours!.given).toEqual(new Set([...theirs.given].filter((name) => name !== 'json')))
  })

  it('takes the state dir and the registry from their variables unless the flag is given, as oclif does', async () => {
    const env = {FASTPAY_TG_STATE_DIR: '/state', FASTPAY_TG_CONFIG: '/config.yml'}
    for (const line of [['x'], ['x', '--state-dir', '/flag']]) {
      const ours = parseAlertLine(['alert', ...line], env)
      const theirs = await oclifParse(line, env)
      expect(ours!.flags).toEqual(Object.fromEntries(Object.entries(theirs.flags).filter(([name]) => name !== 'json')))
      expect(ours!.given).toEqual(theirs.given)
    }
    expect(parseAlertLine(['alert', 'x'], {FASTPAY_TG_STATE_DIR: ''})!.flags['state-dir']).toBeUndefined()
  })

  it.each([
    [[]],
    [['--severity', 'warning']],
    [['a', 'b']],
    [['x', '--debug']],
    [['x', '--help']],
    [['x', '-h']],
    [['--', 'x']],
    [['-']],
    [['x', '--unknown']],
    [['x', '--no-silent']],
    [['x', '--silent=true']],
    [['x', '--severity']],
    [['x', '--severity', '--silent']],
    [['x', '--body', '-x']],
    [['x', '--body', '-h']],
    [['-5']],
    [['x', '--severity', 'a', '--severity', 'b']],
    [['x', '--timeout', '0']],
    [['x', '--timeout', '86401']],
    [['x', '--timeout', '1.5']],
    [['x', '--max-bytes', '']],
    [['x', '--throttle-seconds', '-1']],
  ])('leaves %j to oclif', (line) => {
    expect(parseAlertLine(['alert', ...line], {})).toBeUndefined()
  })

  it('leaves every line to oclif when a variable changes what oclif prints', () => {
    for (const name of ['DEBUG', 'FASTPAY_TG_DEBUG', 'FASTPAY_TG_CONTENT_TYPE', 'CLI_FLAGS_DEBUG']) {
      expect(parseAlertLine(['alert', 'x'], {[name]: '1'}), name).toBeUndefined()
    }
    expect(parseAlertLine(['alert', 'x'], {DEBUG: ''})).toBeDefined()
  })
})
