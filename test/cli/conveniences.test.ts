// oclif's conveniences, through the built CLI: help (command and -h), did-you-mean on typos, version.
import {afterAll, describe, expect, it} from 'vitest'

import {createCliSandbox} from '../helpers/run-cli.js'
import {expectUsageError, jsonOf} from './fixture.js'

const cli = createCliSandbox()
afterAll(() => cli.cleanup())
const run = (...args: string[]) => cli.run(args)

describe('help', () => {
  it('help send, send --help and send -h print the same text', async () => {
    const [viaCommand, viaFlag, viaShort] = await Promise.all([run('help', 'send'), run('send', '--help'), run('send', '-h')])
    expect(viaCommand.exitCode).toBe(0)
    expect(viaCommand.stdout).toMatch(/^Send a message, photo or document to one or more chats\.\n\nUSAGE\n {2}\$ fastpay-tg send /)
    expect(viaFlag).toEqual(viaCommand)
    expect(viaShort).toEqual(viaCommand)
  })

  it('takes a command in words (help bots list) and a topic (help bots)', async () => {
    const [command, topic] = await Promise.all([run('help', 'bots', 'list'), run('help', 'bots')])
    expect(command.exitCode).toBe(0)
    expect(command.stdout).toContain('$ fastpay-tg bots list')
    expect(topic.exitCode).toBe(0)
    expect(topic.stdout).toMatch(/^Manage the bots registry\n\nUSAGE\n {2}\$ fastpay-tg bots COMMAND/)
    expect(topic.stdout).toMatch(/^ {2}bots list {2,}List the bots/m)
  })

  it('lists help, completion and version among the commands', async () => {
    const result = await run('help')
    expect(result.exitCode).toBe(0)
    for (const name of ['completion', 'help', 'version']) expect(result.stdout).toMatch(new RegExp(`^ {2}${name} {2,}\\S`, 'm'))
  })

  it('prompts every example with $, piped ones too', async () => {
    const result = await run('send', '--help')
    // Command lines, not the description lines of examples that have one.
    const examples = result.stdout.split('\nEXAMPLES\n')[1]!.split('\n').filter((line) => line.includes('fastpay-tg'))
    expect(examples.length).toBeGreaterThan(2)
    expect(examples).toContain('  $ echo "<b>done</b>" | fastpay-tg send --chat -1001234567890 --parse-mode html')
    for (const line of examples) expect(line).toMatch(/^ +\$ \S/)
  })

  it('--json prints a command as data, and a topic as its commands', async () => {
    const [command, topic] = await Promise.all([run('help', 'monitor', 'exec', '--json'), run('help', 'bots', '--json')])
    const reference = jsonOf(command) as {command: string; usage: string[]; flags: Array<{name: string; takesValue: boolean}>}
    expect(reference.command).toBe('monitor exec')
    expect(reference.flags.find((flag) => flag.name === 'name')).toMatchObject({takesValue: true})
    const listing = jsonOf(topic) as {topic: string; commands: Array<{command: string}>}
    expect(listing.topic).toBe('bots')
    expect(listing.commands.map((entry) => entry.command)).toContain('bots list')
  })
})

describe('did you mean', () => {
  it('suggests the closest command, in words, with exit 2', async () => {
    const [send, botsList, monitorRun, nothing] = await Promise.all([run('sedn', 'hello'), run('bots', 'lst'), run('monitr', 'run'), run('zzzzzz')])
    expectUsageError(send, 'Error: unknown command "sedn"; did you mean "send"? (fastpay-tg help lists the commands)')
    expectUsageError(botsList, 'Error: unknown command "bots lst"; did you mean "bots list"? (fastpay-tg help lists the commands)')
    expectUsageError(monitorRun, 'Error: unknown command "monitr"; did you mean "monitor run"? (fastpay-tg help lists the commands)')
    expectUsageError(nothing, 'Error: unknown command "zzzzzz" (fastpay-tg help lists the commands)')
  })

  it('a command an operator guesses that is a flag here, or another word: bots rename, bots ls, bots rm, bots delete', async () => {
    const [rename, ls, rm, del] = await Promise.all([run('bots', 'rename', 'alerts', 'pager'), run('bots', 'ls'), run('bots', 'rm', 'alerts'), run('bots', 'delete', 'alerts')])
    expectUsageError(rename, 'Error: unknown command "bots rename"; did you mean "bots update NAME --rename NEW"? (fastpay-tg help lists the commands)')
    expectUsageError(ls, 'Error: unknown command "bots ls"; did you mean "bots list"? (fastpay-tg help lists the commands)')
    expectUsageError(rm, 'Error: unknown command "bots rm"; did you mean "bots remove"? (fastpay-tg help lists the commands)')
    expectUsageError(del, 'Error: unknown command "bots delete"; did you mean "bots remove"? (fastpay-tg help lists the commands)')
  })

  it('help with an unknown command says the same', async () => {
    expectUsageError(await run('help', 'bots', 'lst'), 'Error: unknown command "bots lst"; did you mean "bots list"? (fastpay-tg help lists the commands)')
  })

  it('answers in JSON under --json', async () => {
    const result = await run('sedn', '--json')
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toBe('')
    expect(jsonOf(result)).toEqual({
      error: {code: 'usage', message: 'unknown command "sedn"; did you mean "send"? (fastpay-tg help lists the commands)', exitCode: 2},
    })
  })

  it('never echoes a token typed in place of a command', async () => {
    const result = await run('7012345678:AAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U')
    expect(result.exitCode).toBe(2)
    expect(result.stderr).not.toContain('AAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U')
  })
})

describe('version', () => {
  it('prints what --version prints, and its parts under --json', async () => {
    const [command, flag, json] = await Promise.all([run('version'), run('--version'), run('version', '--json')])
    expect(command.exitCode).toBe(0)
    expect(command.stdout).toMatch(/^fastpay-tg\/\d+\.\d+\.\d+ \S+ node-v\d+/)
    expect(command.stdout).toBe(flag.stdout)
    expect(jsonOf(json)).toEqual({name: 'fastpay-tg', version: expect.stringMatching(/^\d+\.\d+\.\d+/), node: process.versions.node, platform: process.platform, arch: process.arch})
  })
})
