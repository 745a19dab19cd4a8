// `monitor forget NAME...` through the built CLI: a check taken out of the monitors file stops counting in `monitor
// status`, the status page and `health` once forgotten; the history stays; an unknown name changes nothing (exit 2);
// a forget waits for a pass that holds the state lock. On the file store and on a fleet's Redis.
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, afterEach, beforeEach, describe, expect, it, vi} from 'vitest'

import {callsOf, expectUsageError, HEALTH_BOT, jsonOf, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'
import {spawnCli} from '../metrics/cli-process.js'
import {freshRedisDatabase, redisForTests} from '../store/redis-server.js'
import {type FlipServer, startFlipServer} from './helpers.js'

const world = useCliWorld()
const found = await redisForTests()
afterAll(async () => {
  await found.redis?.stop()
})

let server: FlipServer
beforeEach(async () => {
  server = await startFlipServer()
  server.answer = 'error'
})
afterEach(() => server.close())

const summaryOf = (html: string) => /<p class="summary[^"]*">[^<]*<\/p>/.exec(html)?.[0]

/** w.yml with w500 (answering 500) and an `ok` command check; `monitor run` until w500 is down; then w500 taken out. */
async function downThenRemoved(env: Record<string, string> = {}): Promise<string> {
  const file = join(world.cli.env.HOME!, 'w.yml')
  writeFileSync(file, `checks:\n  - {name: w500, type: http, url: "${server.url}/", failure-threshold: 1}\n  - {name: ok, type: command, run: ["true"]}\n`)
  const first = await world.run(['monitor', 'run', '--file', file], {env})
  expect(first.stdout).toMatch(/^down +w500: status 500/m)
  writeFileSync(file, 'checks:\n  - {name: ok, type: command, run: ["true"]}\n')
  const second = await world.run(['monitor', 'run', '--file', file], {env})
  expect(second.stderr).toBe('')
  return file
}

describe('monitor forget on the file store', () => {
  it('removes a removed check from status, the page and health, keeping its history', async () => {
    const file = await downThenRemoved()
    const page = join(world.cli.env.HOME!, 'p.html')
    const before = await world.run(['monitor', 'status', '--file', file, '--html', page])
    expect(before.stdout).toMatch(/^w500 +DOWN .*\[not in the monitors file\]; alert pending: no bot token/m)
    expect(before.stdout).toContain('\nw500 is not in the monitors file: fastpay-tg monitor forget w500 removes its state\n')
    expect(before.stdout).toMatch(/1 down \(w500\)$/m)
    const pageBefore = readFileSync(page, 'utf8')
    expect(summaryOf(pageBefore)).toBe('<p class="summary bad">✖ 1 of 2 checks is down: w500.</p>')
    expect(pageBefore).toContain('<small class="muted">not in the monitors file: <code>fastpay-tg monitor forget w500</code> removes it</small>')
    expect((await world.run(['health'])).stdout).toMatch(/warn +monitor +w500: alert pending/)

    const forgot = await world.run(['monitor', 'forget', 'w500'])
    expect({exitCode: forgot.exitCode, stderr: forgot.stderr}).toEqual({exitCode: 0, stderr: ''})
    expect(forgot.stdout).toMatch(/^forgot w500 \(was down since \d\d:\d\d:\d\d UTC; alert pending dropped: no bot token: .* \(down alert, 1 attempt\)\)$/)

    const after = await world.run(['monitor', 'status', '--file', file, '--html', page])
    expect(after.stdout).not.toContain('w500')
    expect(after.stdout).toMatch(/1 check in \S+, none down$/m)
    const pageAfter = readFileSync(page, 'utf8')
    expect(summaryOf(pageAfter)).toBe('<p class="summary ok">✔ All 1 check is up or waiting for a result.</p>')
    expect(pageAfter).toContain('<p>No open incident.</p>')
    expect(pageAfter).toMatch(/Last pass <time[^>]*>[^<]*<\/time> on [^:]+: 1 check in \S+, none down\./)
    expect((await world.run(['health'])).stdout).not.toContain('w500')
    // The history keeps what happened (the digest still tells the incident).
    const historyDir = join(world.cli.stateDir, 'monitor', 'history')
    const history = readdirSync(historyDir).map((name) => readFileSync(join(historyDir, name), 'utf8')).join('')
    expect(history).toMatch(/"type":"change"[^\n]*"check":"w500","to":"down"/)
    // The digest tells the incident as ended where it was forgotten, not as ongoing.
    const digest = await world.run(['digest', '--dry-run'])
    expect(digest.exitCode).toBe(0)
    expect(digest.stdout).toMatch(/w500.*1 incident \(\S+( \S+)?, forgotten\)/)
    expect(digest.stdout).not.toContain('ongoing')
  })

  it('an unknown name is one line naming it, exit 2, and nothing is forgotten, the known names included', async () => {
    const file = await downThenRemoved()
    expectUsageError(await world.run(['monitor', 'forget', 'w500', 'nope']), 'Error: NAME: no check "nope" in the monitor state; nothing was forgotten (monitor status lists the checks)')
    expect((await world.run(['monitor', 'status', '--file', file])).stdout).toMatch(/^w500 +DOWN/m)
  })

  it('--json: what was forgotten', async () => {
    await downThenRemoved()
    const forgot = await world.run(['monitor', 'forget', 'w500', 'ok', 'w500', '--json'])
    expect(forgot.exitCode).toBe(0)
    const result = jsonOf(forgot) as {forgotten: Array<Record<string, unknown>>; warnings: string[]}
    expect(result.forgotten.map(({since: _, alertPending, ...rest}) => ({...rest, alertPending: typeof alertPending}))).toEqual([
      {name: 'w500', status: 'down', target: `http GET ${server.url}/`, alertPending: 'string'},
      {name: 'ok', status: 'up', target: 'command true', alertPending: 'undefined'},
    ])
    expect(result.warnings).toEqual([])
  })

  it('forgets a monitor exec job (never in the file, so status does not suggest it)', async () => {
    const ran = await world.run(['monitor', 'exec', '--name', 'nightly', '--', 'false'])
    expect(ran.exitCode).toBe(1)
    const file = join(world.cli.env.HOME!, 'w.yml')
    writeFileSync(file, 'checks:\n  - {name: ok, type: command, run: ["true"]}\n')
    const status = await world.run(['monitor', 'status', '--file', file])
    expect(status.stdout).toMatch(/^nightly +DOWN/m)
    expect(status.stdout).not.toContain('monitor forget')
    const forgot = await world.run(['monitor', 'forget', 'nightly'])
    expect(forgot.exitCode).toBe(0)
    expect(forgot.stdout).toMatch(/^forgot nightly \(was down since \d\d:\d\d:\d\d UTC; alert pending dropped: .*\)$/)
    expect((await world.run(['monitor', 'status', '--file', file])).stdout).not.toContain('nightly')
  })

  it('waits for a pass that holds the state lock, then forgets what that pass wrote', async () => {
    writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
    const file = join(world.cli.env.HOME!, 'w.yml')
    writeFileSync(file, `checks:\n  - {name: w500, type: http, url: "${server.url}/", failure-threshold: 1}\n`)
    let release = () => {}
    world.api.failNext({method: 'sendMessage', kind: {gate: new Promise<void>((resolve) => (release = resolve))}})
    const pass = spawnCli(world.cli, ['monitor', 'run', '--file', file])
    // The pass holds the lock while its down alert is on its way, and has not written w500's state yet.
    await vi.waitFor(() => expect(callsOf(world.api, 'sendMessage')).toHaveLength(1), {timeout: 20_000, interval: 10})
    const forget = spawnCli(world.cli, ['monitor', 'forget', 'w500', '--debug'])
    const waiting = await forget.waitForLine(/^debug: taking the state lock/, 'stderr').catch((error: Error) => error)
    release()
    const passed = await pass.done()
    if (waiting instanceof Error) throw waiting
    expect(passed.stdout).toMatch(/^down +w500/m)
    const forgot = await forget.done()
    expect({exitCode: forgot.exitCode, stdout: forgot.stdout}).toEqual({exitCode: 0, stdout: expect.stringMatching(/^forgot w500 \(was down since \d\d:\d\d:\d\d UTC\)\n$/)})
    expect((await world.run(['monitor', 'status', '--file', file])).stdout).toMatch(/^w500 +pending +- +- +not run yet$/m)
  }, 60_000)
})

describe.skipIf(found.skip !== undefined)(`monitor forget on a fleet's Redis${found.skip ? ` (${found.skip})` : ''}`, () => {
  it('removes the check from the shared state; an unknown name changes nothing', async () => {
    // Database 15 of the test Redis is this file's (see freshRedisDatabase).
    const env = {FASTPAY_TG_STORE: await freshRedisDatabase(found.redis!.url, 15)}
    const file = await downThenRemoved(env)
    expectUsageError(await world.run(['monitor', 'forget', 'gone'], {env}), 'Error: NAME: no check "gone" in the monitor state; nothing was forgotten (monitor status lists the checks)')
    expect((await world.run(['monitor', 'status', '--file', file], {env})).stdout).toMatch(/^w500 +DOWN/m)
    const forgot = await world.run(['monitor', 'forget', 'w500'], {env})
    expect({exitCode: forgot.exitCode, stderr: forgot.stderr}).toEqual({exitCode: 0, stderr: ''})
    expect(forgot.stdout).toMatch(/^forgot w500 \(was down since /)
    const page = join(world.cli.env.HOME!, 'fleet.html')
    const after = await world.run(['monitor', 'status', '--file', file, '--html', page], {env})
    expect(after.stdout).not.toMatch(/^w500/m)
    expect(after.stdout).toMatch(/none down$/m)
    expect(summaryOf(readFileSync(page, 'utf8'))).toBe('<p class="summary ok">✔ All 1 check is up or waiting for a result.</p>')
  }, 60_000)
})
