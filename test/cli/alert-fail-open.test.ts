// Fail open: a state dir that cannot be written (a file in its way, a read-only or full disk) must not keep an alert
// from going out; "Disk almost full" is the alert most likely to meet a full disk. It is sent without throttle or
// outbox, one warning line says so, and the exit code says whether it was delivered.
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {callsOf, closedApiRoot, ON_CALL, ALERTS_BOT, useCliWorld} from './fixture.js'

const world = useCliWorld()
const toOnCall = ['--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id), '--no-host']
const warning = (dir: string, code: string) => `Warning: state dir "${dir}" not writable (${code}): alert sent without throttle or outbox`

const mounted: string[] = []
afterEach(() => {
  for (const dir of mounted.splice(0)) {
    spawnSync('umount', [dir])
    rmSync(dir, {recursive: true, force: true})
  }
})

/** A tiny tmpfs of our own (root only): undefined when this machine does not let us mount one. */
function tinyTmpfs(options: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'fastpay-tg-tmpfs-'))
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', `size=64k,mode=0700,${options}`, 'tmpfs', dir]).status !== 0) {
    rmSync(dir, {recursive: true, force: true})
    return undefined
  }
  mounted.push(dir)
  return dir
}

describe('alert with a state dir it cannot write', () => {
  it('a file where the state dir should be (EEXIST), or a path under a file (ENOTDIR): sent, one warning line, exit 0', async () => {
    const stateDir = world.cli.stateDir
    mkdirSync(join(stateDir, '..'), {recursive: true})
    writeFileSync(stateDir, 'not a directory\n')
    const sent = await world.run(['alert', 'Disk almost full', ...toOnCall])
    expect(sent).toEqual({stdout: `sent to ${ON_CALL.id}: message 1`, stderr: warning(stateDir, 'EEXIST'), exitCode: 0})

    const below = join(stateDir, 'fastpay-tg')
    // No throttle: the same alert again goes out again.
    const again = await world.run(['alert', 'Disk almost full', ...toOnCall, '--json'], {env: {FASTPAY_TG_STATE_DIR: below}})
    expect([again.exitCode, again.stderr]).toEqual([0, warning(below, 'ENOTDIR')])
    expect(JSON.parse(again.stdout)).toMatchObject({status: 'sent', exitCode: 0})
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(2)
  }, 60_000)

  it('Telegram unreachable as well: nothing can keep it, so it says so and exits 3 (not 75: nothing was spooled)', async () => {
    const stateDir = world.cli.stateDir
    mkdirSync(join(stateDir, '..'), {recursive: true})
    writeFileSync(stateDir, '')
    const run = await world.run(['alert', 'Disk almost full', ...toOnCall], {env: {TELEGRAM_API_BASE_URL: await closedApiRoot()}})
    expect(run.exitCode).toBe(3)
    expect(run.stderr.split('\n')[0]).toBe(warning(stateDir, 'EEXIST'))
  })

  it('a read-only file system (EROFS): sent, one warning line, exit 0', async (context) => {
    const readOnly = tinyTmpfs('ro')
    if (readOnly === undefined) return context.skip('cannot mount a tmpfs here (needs root)')
    const stateDir = join(readOnly, 'state')
    const run = await world.run(['alert', 'Disk almost full', ...toOnCall, '--state-dir', stateDir])
    expect(run).toEqual({stdout: `sent to ${ON_CALL.id}: message 1`, stderr: warning(stateDir, 'EROFS'), exitCode: 0})
  })

  it('a full disk (ENOSPC) that still lets the directories be made: sent, one warning line, exit 0', async (context) => {
    const full = tinyTmpfs('rw')
    if (full === undefined) return context.skip('cannot mount a tmpfs here (needs root)')
    const stateDir = join(full, 'state')
    for (const dir of ['throttle', 'outbox/claimed']) mkdirSync(join(stateDir, dir), {recursive: true, mode: 0o700})
    // Fills every block: creating a file still works, writing a byte into it does not.
    const filler = spawnSync('dd', ['if=/dev/zero', `of=${join(full, 'filler')}`, 'bs=4k'])
    expect(filler.stderr.toString()).toContain('No space left on device')
    const run = await world.run(['alert', 'Disk almost full', ...toOnCall, '--state-dir', stateDir])
    expect(run.stdout).toBe(`sent to ${ON_CALL.id}: message 1`)
    expect(run.stderr).toMatch(new RegExp(`^Warning: state dir "${stateDir}/\\w+" not writable \\(ENOSPC\\): alert sent without throttle or outbox$`))
    expect(run.exitCode).toBe(0)
  })
})
