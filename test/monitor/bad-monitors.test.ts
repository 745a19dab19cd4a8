// A broken monitors file is one line on stderr naming the file and the path inside it, exit 2, and no check runs.
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {useCliWorld} from '../cli/fixture.js'

const world = useCliWorld()

async function expectRejected(files: Record<string, string>, line: string, target = 'monitors.yml'): Promise<void> {
  const dir = join(world.cli.env.HOME!, 'monitors')
  mkdirSync(dir, {recursive: true})
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  const result = await world.run(['monitor', 'run', '--file', join(dir, target)], {env: {}})
  const expected = `Error: ${line.replaceAll('monitors/', `${dir}/`)}`
  expect({stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode}).toEqual({stdout: '', stderr: expected, exitCode: 2})
  expect(world.api.requests).toEqual([])
}

const run = (args: string[]) => world.cli.run(args, {env: {}})

describe('bad monitors files', () => {
  it('an unknown check type', async () => {
    await expectRejected(
      {'monitors.yml': 'checks:\n  - {name: api, type: http, url: "http://127.0.0.1:9/"}\n  - {name: db, type: postgres, host: db}\n'},
      'monitors/monitors.yml: checks[1].type: unknown check type "postgres" (expected one of http, tcp, command, tls, telegram)',
    )
  })

  it('a duration past what a timer can hold, or past 2^53 ms, names the field instead of becoming 1 ms', async () => {
    await expectRejected(
      {'monitors.yml': 'checks:\n  - {name: db, type: tcp, host: db, port: 5432, timeout: 99999999999d}\n'},
      'monitors/monitors.yml: checks[0].timeout: expected a duration of at most 24d, got "99999999999d"',
    )
    await expectRejected(
      {'monitors.yml': 'defaults: {interval: 25d}\nchecks: []\n'},
      'monitors/monitors.yml: defaults.interval: expected a duration of at most 24d, got "25d"',
    )
    await expectRejected(
      {'monitors.yml': 'history-retention: 99999999999999999999d\nchecks: []\n'},
      'monitors/monitors.yml: history-retention: expected a duration of at most 36500d, got "99999999999999999999d"',
    )
  })

  it.each([
    ['an interval of 0 in a check', 'checks:\n  - {name: db, type: tcp, host: db, port: 5432, interval: 0s}\n', 'checks[0].interval: expected a positive duration, got "0s"'],
    ['a timeout of 0 in defaults', 'defaults: {timeout: 0ms}\nchecks: []\n', 'defaults.timeout: expected a positive duration, got "0ms"'],
    ['a reminder-interval of 0 in defaults', "defaults: {reminder-interval: 0s}\nchecks: []\n", 'defaults.reminder-interval: expected a positive duration, got "0s"'],
    [
      'a max-latency of 0',
      'checks:\n  - {name: api, type: http, url: "http://127.0.0.1:9/", expect: {max-latency: 0s}}\n',
      'checks[0].expect.max-latency: expected a positive duration, got "0s"',
    ],
    ['an empty command list', 'checks:\n  - {name: q, type: command, run: []}\n', 'checks[0].run: expected a command line, or a list [program, arg, ...], got []'],
    ['an empty command line', 'checks:\n  - {name: q, type: command, run: ""}\n', 'checks[0].run: expected a command line, or a list [program, arg, ...], got ""'],
  ])('%s', async (_case, yaml, line) => {
    await expectRejected({'monitors.yml': yaml}, `monitors/monitors.yml: ${line}`)
  })

  it('a duplicate key, a self-referring alias and an alias bomb are one line each, not a hang or a crash', async () => {
    await expectRejected({'monitors.yml': 'checks: []\nchecks: []\n'}, 'monitors/monitors.yml: YAML syntax error at line 2, column 1: duplicated mapping key')
    await expectRejected({'monitors.yml': 'defaults: &d {x: [*d]}\nchecks: []\n'}, 'monitors/monitors.yml: a YAML alias refers to the collection it is in')
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]']
    for (let level = 1; level < 10; level++) levels.push(`a${level}: &a${level} [${Array(10).fill(`*a${level - 1}`).join(', ')}]`)
    await expectRejected({'monitors.yml': `bomb:\n${levels.map((line) => `  ${line}`).join('\n')}\nchecks: []\n`}, 'monitors/monitors.yml: YAML aliases expand too far (an alias bomb?)')
  })

  it('an http check without a url', async () => {
    await expectRejected({'monitors.yml': 'checks:\n  - name: api\n    type: http\n    expect: {status: 200}\n'}, 'monitors/monitors.yml: checks[0].url: required: the URL to request')
  })

  it('a header no HTTP request can carry is refused at load, not a check down forever; a null env value names the field', async () => {
    const cases = [
      ['headers: {"Api Key": abc}', 'headers.Api Key: expected a header name: letters, digits and !#$%&\'*+-.^_`|~ only'],
      ['headers: {X-Token: "abc\\ndef"}', 'headers.X-Token: expected a header value on one line, without control characters'],
    ]
    for (const [headers, line] of cases) {
      await expectRejected({'monitors.yml': `checks:\n  - {name: api, type: http, url: "http://127.0.0.1:9/", ${headers}}\n`}, `monitors/monitors.yml: checks[0].${line}`)
    }
    await expectRejected({'monitors.yml': 'checks:\n  - {name: job, type: command, run: "true", env: {KEY: null}}\n'}, 'monitors/monitors.yml: checks[0].env.KEY: expected a string, got null')
  })

  it('a negative threshold, in defaults and in a check', async () => {
    await expectRejected(
      {'monitors.yml': 'defaults: {failure-threshold: -1}\nchecks: []\n'},
      'monitors/monitors.yml: defaults.failure-threshold: expected a positive integer, got -1',
    )
    await expectRejected(
      {'monitors.yml': 'checks:\n  - {name: db, type: tcp, host: db, port: 5432, success-threshold: -2}\n'},
      'monitors/monitors.yml: checks[0].success-threshold: expected a positive integer, got -2',
    )
  })

  it('duplicate names, in one file and across the files of a directory', async () => {
    await expectRejected(
      {'monitors.yml': 'checks:\n  - {name: db, type: tcp, host: a, port: 1}\n  - {name: api, type: tcp, host: b, port: 2}\n  - {name: db, type: tcp, host: c, port: 3}\n'},
      'monitors/monitors.yml: checks[2].name: duplicate check name "db" (also checks[0])',
    )
    await expectRejected(
      {'monitors.yml': '', 'a.yml': 'checks:\n  - {name: db, type: tcp, host: a, port: 1}\n', 'b.yml': 'checks:\n  - {name: db, type: tcp, host: b, port: 1}\n'},
      'monitors/b.yml: checks[0].name: duplicate check name "db" (also monitors/a.yml checks[0])',
      '.',
    )
  })

  it('a YAML syntax error, an unknown key, a bad duration', async () => {
    await expectRejected({'monitors.yml': 'checks:\n  - name: api\n    type: [http\n'}, 'monitors/monitors.yml: YAML syntax error at line 4, column 1: unexpected end of the stream within a flow collection')
    await expectRejected(
      {'monitors.yml': 'checks:\n  - {name: api, type: http, url: "http://x/", expct: {status: 200}}\n'},
      'monitors/monitors.yml: checks[0]: unknown key "expct"',
    )
    await expectRejected(
      {'monitors.yml': 'checks:\n  - {name: api, type: http, url: "http://x/", interval: soon}\n'},
      'monitors/monitors.yml: checks[0].interval: expected a duration like 500ms, 30s, 5m, 1h or 14d, got "soon"',
    )
  })

  it('monitor status with a named file that is missing or has a mistake: one line, exit 2, no page written', async () => {
    const dir = join(world.cli.env.HOME!, 'monitors')
    mkdirSync(dir, {recursive: true})
    const missing = await run(['monitor', 'status', '--file', join(dir, 'nope.yml')])
    expect({stdout: missing.stdout, stderr: missing.stderr, exitCode: missing.exitCode}).toEqual({stdout: '', stderr: `Error: ${dir}/nope.yml: cannot read (ENOENT)`, exitCode: 2})
    writeFileSync(join(dir, 'bad.yml'), 'checks:\n  - {name: db, type: tcp, host: db, port: 5432, interval: 0s}\n')
    const page = join(dir, 'index.html')
    const invalid = await run(['monitor', 'status', '--file', join(dir, 'bad.yml'), '--html', page])
    expect({stdout: invalid.stdout, stderr: invalid.stderr, exitCode: invalid.exitCode}).toEqual({
      stdout: '',
      stderr: `Error: ${dir}/bad.yml: checks[0].interval: expected a positive duration, got "0s"`,
      exitCode: 2,
    })
    expect(existsSync(page)).toBe(false)
  })

  it('no monitors file at the default place says where to put one', async () => {
    const result = await run(['monitor', 'run'])
    expect({stderr: result.stderr, exitCode: result.exitCode}).toEqual({
      stderr: 'Error: no monitors file at ~/config/fastpay-tg/monitors.yml: create it (see monitors/ in the fastpay-tg repository) or pass --file',
      exitCode: 2,
    })
  })
})
