// A monitor alert spooled while Telegram was unreachable goes out with the next pass, as README's crontab and
// systemd unit expect (exit 75: "goes with the next pass"), not only at the check's recovery or with alert flush.
import {rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it, vi} from 'vitest'

import {callsOf, HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'

const world = useCliWorld()
/** Nothing listens there: every call to the Bot API fails to connect. */
const UNREACHABLE = {TELEGRAM_API_BASE_URL: 'http://127.0.0.1:1'}

/** A check that passes while `up` exists; it passed once, then failed with Telegram unreachable: its alert waits. */
async function spoolDownAlert(): Promise<string> {
  writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
  const up = join(world.cli.env.HOME!, 'up')
  const file = join(world.cli.env.HOME!, 'monitors.yml')
  writeFileSync(file, `checks:\n  - {name: api4, type: command, run: ["test", "-f", "${up}"], failure-threshold: 1}\n`)
  writeFileSync(up, '')
  expect(await world.run(['monitor', 'run', '--file', file])).toEqual({exitCode: 0, stdout: '', stderr: ''})
  rmSync(up)
  const spooled = await world.run(['monitor', 'run', '--file', file], {env: UNREACHABLE})
  expect(spooled.exitCode).toBe(75)
  expect(spooled.stdout.split('\n')).toEqual(['down   api4: exit code 1, expected 0', expect.stringMatching(/^alert {2}spooled api4 down to health \(bot health\)/)])
  expect(callsOf(world.api, 'sendMessage')).toHaveLength(0)
  return file
}

const downTexts = () => world.api.messages(ON_CALL.id).map((message) => (message.text ?? '').split('\n')[0])

describe('monitor run with an alert waiting in the outbox', () => {
  it('the next pass delivers it, once, while the check is still down; the pass after has nothing to do', async () => {
    const file = await spoolDownAlert()
    const next = await world.run(['monitor', 'run', '--file', file])
    expect(next).toEqual({exitCode: 0, stderr: '', stdout: expect.stringMatching(new RegExp(`^outbox delivered \\S+ \\(bot health\\) to ${ON_CALL.id}$`))})
    expect(downTexts()).toEqual(['❌ api4 is down'])
    expect(await world.run(['monitor', 'run', '--file', file])).toEqual({exitCode: 0, stdout: '', stderr: ''})
    expect(downTexts()).toEqual(['❌ api4 is down'])
    const health = await world.run(['health', '--json'])
    expect(health.stdout).not.toContain('waiting')
  }, 120_000)

  it('three passes at once deliver it once', async () => {
    const file = await spoolDownAlert()
    const passes = await Promise.all([1, 2, 3].map(() => world.run(['monitor', 'run', '--file', file])))
    expect(passes.filter((pass) => pass.stdout.startsWith('outbox delivered'))).toHaveLength(1)
    expect(downTexts()).toEqual(['❌ api4 is down'])
    expect(await world.run(['monitor', 'run', '--file', file])).toEqual({exitCode: 0, stdout: '', stderr: ''})
  }, 120_000)

  // Every host's pass flushes: a pass that found the entry claimed by another run's delivery exited 75, as if
  // Telegram could not take it.
  it('an entry another run is delivering right now is not waiting: the pass exits 0', async () => {
    const file = await spoolDownAlert()
    let release = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    world.api.failNext({method: 'sendMessage', kind: {gate}})
    const flush = world.run(['alert', 'flush'])
    let pass: Awaited<typeof flush> | undefined
    try {
      await vi.waitFor(() => expect(callsOf(world.api, 'sendMessage')).toHaveLength(1), {timeout: 20_000, interval: 10})
      pass = await world.run(['monitor', 'run', '--file', file])
    } finally {
      release()
    }
    expect((await flush).exitCode).toBe(0)
    expect(pass).toEqual({exitCode: 0, stdout: '', stderr: ''})
    expect(downTexts()).toEqual(['❌ api4 is down'])
  }, 120_000)

  it('still waiting when Telegram is still unreachable: the pass says nothing new and exits 75', async () => {
    const file = await spoolDownAlert()
    expect(await world.run(['monitor', 'run', '--file', file], {env: UNREACHABLE})).toEqual({exitCode: 75, stdout: '', stderr: ''})
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(0)
  }, 120_000)
})

describe('monitor exec with an alert waiting in the outbox', () => {
  /** A nightly job that failed while Telegram was unreachable: its down alert waits in the outbox. */
  async function spoolExecAlert(): Promise<void> {
    writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
    const spooled = await world.run(['monitor', 'exec', '--name', 'backup', '--', 'sh', '-c', 'exit 3'], {env: UNREACHABLE})
    expect(spooled.exitCode).toBe(3)
    expect(spooled.stderr.split('\n')).toEqual(['fastpay-tg: down   backup: exit code 3', expect.stringMatching(/^fastpay-tg: alert {2}spooled backup down to health \(bot health\)/)])
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(0)
  }

  it('the next night delivers it, once, while the job still fails and no reminder is due', async () => {
    await spoolExecAlert()
    const next = await world.run(['monitor', 'exec', '--name', 'backup', '--', 'sh', '-c', 'exit 3'])
    expect(next).toEqual({exitCode: 3, stdout: '', stderr: expect.stringMatching(new RegExp(`^fastpay-tg: outbox delivered \\S+ \\(bot health\\) to ${ON_CALL.id}$`))})
    expect(downTexts()).toEqual(['❌ backup is down'])
    expect(await world.run(['monitor', 'exec', '--name', 'backup', '--', 'sh', '-c', 'exit 3'])).toEqual({exitCode: 3, stdout: '', stderr: ''})
    expect(downTexts()).toEqual(['❌ backup is down'])
  }, 120_000)

  it('--json reports what the outbox delivered', async () => {
    await spoolExecAlert()
    const next = await world.run(['monitor', 'exec', '--name', 'backup', '--json', '--', 'sh', '-c', 'exit 3'])
    expect(next.exitCode).toBe(3)
    expect(JSON.parse(next.stdout).outbox).toEqual({delivered: [{id: expect.any(String), bot: 'health', chats: [ON_CALL.id]}], waiting: 0, held: []})
    expect(downTexts()).toEqual(['❌ backup is down'])
  }, 120_000)
})
