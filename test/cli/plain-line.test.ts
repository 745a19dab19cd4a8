// The fast path (commands/fast.ts) runs a plain line of any command without oclif, reading it itself: what the built
// fast path reads must come out exactly as oclif's parser reads the same line for the same command, and whatever
// oclif refuses (or reads otherwise) must go to oclif. Every command, every flag, in the forms users type and the
// ones they get wrong, with and without the flags' variables set.
import {Flags, Parser} from '@oclif/core'
import {createRequire} from 'node:module'
import {describe, expect, it, vi} from 'vitest'

import {BaseCommand} from '../../commands/base-command.js'
import {COMMANDS} from '../../commands/index.js'

type Definitions = Record<string, Record<string, unknown>>
interface Read {
  flags: Record<string, unknown>
  args: Record<string, unknown>
  defaulted: Set<string>
}
interface FastBundle {
  COMMANDS: Record<string, {flags: Definitions; baseFlags: Definitions; args: Definitions; strict: boolean; enableJsonFlag: boolean}>
  allFlags(command: unknown): Definitions
  parsePlainLine(argv: string[], flags: Definitions, args: Definitions, env: NodeJS.ProcessEnv): Read | undefined
  plainCommand(argv: string[]): {id: string; argv: string[]} | undefined
}

const fast = createRequire(import.meta.url)('../../bin/run.js').loadFast().exports as FastBundle
/** Commands oclif always runs: they need its config (help, version, completion) or take any words (monitor exec). */
const OCLIF_ONLY = ['help', 'version', 'completion', 'monitor:exec']
const IDS = Object.keys(COMMANDS).filter((id) => !OCLIF_ONLY.includes(id))
const VARIABLES = {FASTPAY_TG_STATE_DIR: '/state', FASTPAY_TG_CONFIG: '/bots.yml', FASTPAY_TG_MONITORS: '/monitors.yml'}

/** oclif's reading of `argv` for command `id`, as BaseCommand asks for it; an Error when oclif refuses it. */
async function oclifRead(id: string, argv: string[]): Promise<Read | Error> {
  const command = COMMANDS[id as keyof typeof COMMANDS]
  const args = Object.fromEntries(Object.entries(command.args ?? {}).map(([name, arg]) => [name, {...arg, ignoreStdin: true}]))
  const flags = {...BaseCommand.baseFlags, ...command.baseFlags, ...command.flags, ...(command.enableJsonFlag ? {json: Flags.boolean()} : {})}
  try {
    const read = await Parser.parse(argv, {flags, args, strict: command.strict})
    const defaulted = Object.keys(read.metadata.flags).filter((name) => read.metadata.flags[name]?.setFromDefault)
    return {flags: read.flags, args: read.args, defaulted: new Set(defaulted)}
  } catch (error) {
    return error as Error
  }
}

function fastRead(id: string, argv: string[]): Read | undefined {
  const command = fast.COMMANDS[id]!
  return fast.parsePlainLine(argv, fast.allFlags(command), command.args, process.env)
}

/** The lines tried for one command: its arguments, then each flag in right and wrong forms, before and after them. */
function lines(id: string): string[][] {
  const command = COMMANDS[id as keyof typeof COMMANDS]
  const argNames = Object.keys(command.args ?? {})
  const flags = {...BaseCommand.baseFlags, ...command.flags} as unknown as Definitions
  // The arguments, and the flags a command requires (webhook serve --port).
  const required = Object.entries(flags).flatMap(([name, flag]) => (flag.required ? [`--${name}`, String(flag.min ?? 'x')] : []))
  const words = [...argNames.map((_, index) => `word${index}`), ...required]
  const result: string[][] = [[], words, [...words, 'extra'], ['-'], ['--'], ['--', ...words], ['-h'], ['--help'], ['--bogus'], ['--no-debug'], ['--json', ...words]]
  for (const [name, flag] of Object.entries(flags)) {
    const flagForms: string[][] =
      flag.type === 'boolean'
        ? [[`--${name}`], [`--${name}=true`], [`--${name}`, `--${name}`]]
        : [
            ...(Array.isArray(flag.options) ? [[`--${name}`, String(flag.options[0])], [`--${name}=bogus`]] : []),
            [`--${name}`, '5'],
            [`--${name}=0`],
            [`--${name}`, '-3'],
            [`--${name}`, 'abc'],
            [`--${name}`, '99999999999999999999'],
            [`--${name}`, '86401'],
            [`--${name}=a=b`],
            [`--${name}`, '-1001234567890'],
            [`--${name}`, '--json'],
            [`--${name}`, '-x'],
            [`--${name}`, ''],
            [`--${name}`],
            [`--${name}`, 'x', `--${name}`, 'y'],
            [`--${name}`, 'x', 'y'],
            [`--${name}`, 'x', '--json', 'y'],
          ]
    for (const form of flagForms) result.push([...words, ...form], [...form, ...words])
  }
  return result
}

describe('the fast path reads a line as oclif does, or leaves it to oclif', () => {
  it('has the commands oclif has', () => {
    expect(Object.keys(fast.COMMANDS).sort()).toEqual(Object.keys(COMMANDS).sort())
  })

  it.each(IDS)('%s', async (id) => {
    let taken = 0
    const problems: string[] = []
    for (const env of [{}, VARIABLES]) {
      for (const [name, value] of Object.entries(VARIABLES)) vi.stubEnv(name, name in env ? value : undefined)
      for (const argv of lines(id)) {
        const theirs = await oclifRead(id, argv)
        const ours = fastRead(id, argv)
        if (ours === undefined) continue
        taken++
        const label = `${id} ${JSON.stringify(argv)} ${Object.keys(env).length ? 'with' : 'without'} variables`
        if (theirs instanceof Error) problems.push(`${label}: oclif refuses it (${theirs.message.split('\n')[0]}), the fast path reads it`)
        else if (!isDeepEqual(ours, theirs)) problems.push(`${label}: fast path ${JSON.stringify(shown(ours))}, oclif ${JSON.stringify(shown(theirs))}`)
      }
    }
    expect(problems).toEqual([])
    // The fast path is in use for this command: most plain forms are read by it, not left to oclif.
    expect(taken).toBeGreaterThan(20)
  })
})

describe('the fast path takes the lines users run most, and leaves the rest to oclif', () => {
  it.each([
    ['send', '--chat', '-1001234567890', 'Backup done'],
    ['send', 'hi', '--bot', 'alerts', '--json', '--debug'],
    ['send', '--document', '-', '--filename', 'db.sql.gz'],
    ['config', 'show', '--bot', 'alerts', '--json'],
    ['bots', 'list'],
    ['bots', 'add', 'alerts', '--token', '1:x', '--chat', '42', '--chat-type', 'supergroup', '--no-keychain'],
    ['monitor', 'run', '--file', 'm.yml', '--check', 'api', '--verbose'],
    ['alert', 'flush'],
    ['deploy', '--status', 'success', '--environment', 'prod'],
  ])('takes %j', (...argv) => {
    expect(fast.plainCommand(argv)).toBeDefined()
  })

  it.each([
    ['help'],
    ['send', '--help'],
    ['bots'],
    ['bots', 'remove', 'alerts', '-y'],
    ['monitor', 'exec', '--name', 'backup', '--', 'true'],
    ['send', '--photo', 'a.png', '--document', 'b.csv'],
    ['monitor', 'run', '--check', 'api', 'db'],
    ['flush'],
    ['completion', 'bash'],
  ])('leaves %j to oclif', (...argv) => {
    expect(fast.plainCommand(argv)).toBeUndefined()
  })
})

function isDeepEqual(ours: Read, theirs: Read): boolean {
  return JSON.stringify(shown(ours)) === JSON.stringify(shown(theirs))
}

/** A reading with its keys in order, for comparison and messages. */
function shown(read: Read) {
  const sorted = (value: Record<string, unknown>) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)))
  return {flags: sorted(read.flags), args: sorted(read.args), defaulted: [...read.defaulted].sort()}
}
