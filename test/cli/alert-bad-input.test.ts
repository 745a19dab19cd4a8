// A mistake in an alert's input is one line on stderr naming the flag, file or variable, exit 2, no stack trace,
// and nothing sent: a cron job's mail says what to fix.
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {ALERTS_BOT, useCliWorld} from './fixture.js'

const world = useCliWorld()
const toOnCall = ['--token', ALERTS_BOT.token, '--chat', '4242']

interface Case {
  args: string[]
  env?: Record<string, string>
  line: string
}

/** Runs the cases concurrently; each must fail alone on stderr with exit 2 before any request, under --json too. */
async function expectAll(cases: Record<string, Case>): Promise<void> {
  const runs = Object.entries(cases).flatMap(([name, c]) => [
    {name, c, json: false},
    {name, c, json: true},
  ])
  const results = await Promise.all(runs.map(async (run) => ({...run, result: await world.run([...run.c.args, ...(run.json ? ['--json'] : [])], {env: run.c.env})})))
  for (const {name, c, json, result} of results) {
    const message = c.line.replace(/^Error: /, '')
    const expected = json
      ? {case: name, stdout: JSON.stringify({error: {code: 'usage', message, exitCode: 2}}, null, 2), stderr: '', exitCode: 2}
      : {case: name, stdout: '', stderr: c.line, exitCode: 2}
    expect({case: name, stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode}).toEqual(expected)
    expect(result.stderr, name).not.toMatch(/^\s+at /m)
  }
  expect(world.api.requests).toEqual([])
}

describe('alert: bad flags and values', () => {
  it('severity, field, buttons, title, throttle window: one line each, exit 2, nothing sent', async () => {
    await expectAll({
      'unknown severity': {args: ['alert', 'x', ...toOnCall, '--severity', 'fatal'], line: 'Error: --severity: expected one of info, warning, error, critical (got "fatal")'},
      'field without =': {args: ['alert', 'x', ...toOnCall, '--field', 'host'], line: 'Error: --field: expected key=value (got "host")'},
      'field without a key': {args: ['alert', 'x', ...toOnCall, '--field', 'host=db-1', '--field', ' =93%'], line: 'Error: --field: expected key=value (got " =93%")'},
      'unknown button': {args: ['alert', 'x', ...toOnCall, '--buttons', 'ack,snooze'], line: 'Error: --buttons: expected ack, mute or ack,mute (got "ack,snooze")'},
      'no button': {args: ['alert', 'x', ...toOnCall, '--buttons', ','], line: 'Error: --buttons: expected ack, mute or ack,mute (got ",")'},
      'empty title': {args: ['alert', ' ', ...toOnCall], line: 'Error: TITLE: the alert needs a title'},
      'TELEGRAM_ALERT_THROTTLE_SECONDS=abc': {
        args: ['alert', 'x', ...toOnCall],
        env: {TELEGRAM_ALERT_THROTTLE_SECONDS: 'abc'},
        line: 'Error: TELEGRAM_ALERT_THROTTLE_SECONDS: expected a whole number of seconds, got "abc"',
      },
      'TELEGRAM_ALERT_THROTTLE_SECONDS=-5': {
        args: ['alert', 'x', ...toOnCall],
        env: {TELEGRAM_ALERT_THROTTLE_SECONDS: '-5'},
        line: 'Error: TELEGRAM_ALERT_THROTTLE_SECONDS: expected a whole number of seconds, got "-5"',
      },
      'negative --throttle-seconds': {
        args: ['alert', 'x', ...toOnCall, '--throttle-seconds', '-5'],
        line: 'Error: Parsing --throttle-seconds: Expected an integer greater than or equal to 0 but received: -5',
      },
    })
  })

  it('a template that cannot be read, or names an unknown placeholder', async () => {
    const home = world.cli.env.HOME!
    const unknown = join(home, 'unknown.html')
    writeFileSync(unknown, '{{icon}} {{hostname}}\n')
    const empty = join(home, 'empty.html')
    writeFileSync(empty, ' \n')
    await expectAll({
      missing: {args: ['alert', 'x', ...toOnCall, '--template', join(home, 'nope.html')], line: `Error: --template: cannot read "${join(home, 'nope.html')}" (ENOENT)`},
      'a directory': {args: ['alert', 'x', ...toOnCall, '--template', home], line: `Error: --template: cannot read "${home}" (EISDIR)`},
      'unknown placeholder': {
        args: ['alert', 'x', ...toOnCall, '--template', unknown],
        line: `Error: --template: unknown placeholder {{hostname}} in "${unknown}" (known: title, severity, icon, channel, host, time, body, fields, suppressed, field.NAME)`,
      },
      empty: {args: ['alert', 'x', ...toOnCall, '--template', empty], line: `Error: --template: "${empty}" is empty`},
    })
  })
})

// `alert` itself fails open there (test/cli/alert-fail-open.test.ts); what only reads or flushes state says why not.
describe('a state dir that cannot be used', () => {
  it('a file where the state dir should be: alert --dry-run, alert flush and alert outbox each say so in one line', async () => {
    const stateDir = world.cli.stateDir
    mkdirSync(join(stateDir, '..'), {recursive: true})
    writeFileSync(stateDir, 'not a directory\n')
    const line = `Error: state dir "${stateDir}" is not writable (EEXIST): choose another with --state-dir or FASTPAY_TG_STATE_DIR`
    await expectAll({
      'alert --dry-run': {args: ['alert', 'x', ...toOnCall, '--dry-run'], line},
      'alert flush': {args: ['alert', 'flush'], line},
      'alert outbox': {args: ['alert', 'outbox'], line},
    })
  })

  it('FASTPAY_TG_STATE_DIR and --state-dir under a file; a file where the outbox dir should be', async () => {
    const home = world.cli.env.HOME!
    const file = join(home, 'state.txt')
    writeFileSync(file, '')
    const below = join(file, 'fastpay-tg')
    const usable = join(home, 'usable')
    mkdirSync(usable)
    writeFileSync(join(usable, 'outbox'), '')
    const choose = 'choose another with --state-dir or FASTPAY_TG_STATE_DIR'
    await expectAll({
      env: {args: ['alert', 'outbox'], env: {FASTPAY_TG_STATE_DIR: below}, line: `Error: state dir "${below}" is not writable (ENOTDIR): ${choose}`},
      flag: {args: ['alert', 'flush', '--state-dir', below], line: `Error: state dir "${below}" is not writable (ENOTDIR): ${choose}`},
      outbox: {args: ['alert', 'flush', '--state-dir', usable], line: `Error: state dir "${join(usable, 'outbox')}" is not writable (EEXIST): ${choose}`},
    })
  })
})
