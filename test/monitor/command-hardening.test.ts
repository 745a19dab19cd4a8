// Issue 11 must-show 8, monitor items: command checks run in a minimal environment, and a catastrophic
// `output-matches` regex cannot hold the pass past the check's timeout.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {runCheck} from '../../src/monitor/checks/run-check.js'
import {type FlipServer, monitorsFrom, startFlipServer, useMonitorWorld} from './helpers.js'

const OURS = {
  TELEGRAM_BOT_TOKEN: '7012345678:AAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U',
  TELEGRAM_BOT_CONFIGS: '[{"name":"alerts","token":"7012345678:AAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U"}]',
  FASTPAY_TG_STORE: 'redis://:s3cret-redis-pass@10.0.0.5:6379/0',
  REDIS_URL: 'redis://:s3cret-redis-pass@10.0.0.5:6379/0',
  LANG: 'C.UTF-8',
}

describe('command checks and our environment', () => {
  const saved: Record<string, string | undefined> = {}
  beforeEach(() => {
    for (const [name, value] of Object.entries(OURS)) {
      saved[name] = process.env[name]
      process.env[name] = value
    }
  })
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })

  // `env` lists what the command was given; the shell adds PWD (and dash nothing else) on its own.
  const namesSeen = async (extra: string) => {
    const {config} = await monitorsFrom(`checks:\n  - {name: env, type: command, run: ["sh", "-c", "env | cut -d= -f1 | sort | tr '\\\\n' ' '"]${extra}}\n`, 'monitors.yml', {...process.env, CHECK_SECRET: 'from-the-file-env'})
    const result = await runCheck(config.checks[0]!)
    expect(result.ok).toBe(true)
    return (result.output ?? '').trim().split(' ').filter((name) => name !== 'PWD' && name !== 'OLDPWD' && name !== 'SHLVL' && name !== '_')
  }

  it('get PATH, HOME, LANG and their own env:, never the bot token or the store URL', async () => {
    expect(await namesSeen(', env: {GREETING: hello, SECRET: "${CHECK_SECRET}"}')).toEqual(['GREETING', 'HOME', 'LANG', 'PATH', 'SECRET'])
  })

  it('get our whole environment with inherit-env: true', async () => {
    const names = await namesSeen(', inherit-env: true')
    expect(names).toEqual(expect.arrayContaining(['FASTPAY_TG_STORE', 'TELEGRAM_BOT_TOKEN', 'REDIS_URL', 'HOME', 'PATH']))
  })
})

describe('output-matches', () => {
  const world = useMonitorWorld()
  let server: FlipServer
  beforeEach(async () => {
    server = await startFlipServer()
  })
  afterEach(() => server.close())

  it("a catastrophic regex fails at the check's timeout instead of holding the pass, and the other check is judged", async () => {
    const {config} = await monitorsFrom(`defaults: {failure-threshold: 1, timeout: 1500ms}
checks:
  - name: backtrack
    type: command
    run: "printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab'"
    expect: {output-matches: "^(a+)+$"}
  - {name: api, type: http, url: "${server.url}/health", timeout: 20s}
`)
    // A regex run to the end on the main thread would take hours and this pass would never return. The api check,
    // which is meant to pass, has a limit of its own: the 1.5 s that ends the regex is short beside a core it burns.
    const report = await world.pass(config.checks, {concurrency: 2})
    expect(report.checks.map(({name, ok, message}) => [name, ok, message])).toEqual([
      ['backtrack', false, 'timed out after 1.5s'],
      ['api', true, '200 OK'],
    ])
  })

  it('an ordinary pattern still matches, and fails when it does not', async () => {
    const {config} = await monitorsFrom(`checks:
  - {name: yes, type: command, run: "echo 'depth 12'", expect: {output-matches: "^depth \\\\d+$"}}
  - {name: no, type: command, run: "echo 'depth twelve'", expect: {output-matches: "^depth \\\\d+$"}}
`)
    const results = await Promise.all(config.checks.map((check) => runCheck(check)))
    expect(results.map(({ok, message}) => [ok, message])).toEqual([
      [true, 'exit code 0'],
      [false, 'exit code 0, but the output does not match /^depth \\d+$/'],
    ])
  })
})
