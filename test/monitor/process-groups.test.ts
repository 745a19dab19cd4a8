// A command that starts a process of its own (a shell's `sleep`): at the timeout, and when fastpay-tg itself is
// stopped, the whole process group goes, and the run ends instead of waiting for the orphan to close our pipes.
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {execa} from 'execa'
import {afterEach, describe, expect, it} from 'vitest'

import {callsOf, HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'

const world = useCliWorld()
const BIN = resolve(import.meta.dirname, '../../bin/run.js')
const started: number[] = []

afterEach(() => {
  // Without the fix the orphans outlive the test: they must not outlive the suite.
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {}
  }
})

function useHealthBot(): void {
  writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
}

/**
 * A shell script whose child shell writes its pid and becomes a long sleep: started in the foreground (a
 * non-interactive shell's `&` job ignores SIGINT), and waited for.
 */
function spawningShell(): {script: string; grandchild: (run: Promise<unknown>) => Promise<number>} {
  const pidFile = join(world.cli.env.HOME!, 'sleep.pid')
  const script = join(world.cli.env.HOME!, 'spawn.sh')
  writeFileSync(script, `sh -c 'echo $$ > ${pidFile}; exec sleep 300'\necho done\n`)
  // Waits for the pid or for the run's end, whichever comes first: a run that ended first stopped the command before
  // its shell started the child (a timeout reached on a loaded machine), and the test says so instead of waiting for
  // a pid that never comes until vitest's own timeout.
  const grandchild = async (run: Promise<unknown>) => {
    let ended: unknown
    void run.then((result) => (ended = result ?? 'ended'))
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim() === '') {
      if (ended !== undefined) throw new Error(`the run ended before the command's child started: ${JSON.stringify(ended)}`)
      await sleep(20)
    }
    const pid = Number(readFileSync(pidFile, 'utf8').trim())
    started.push(pid)
    return pid
  }
  return {script, grandchild}
}

/**
 * Whether `pid` still runs. An orphan is reparented to PID 1, and an init that does not reap (a container's) keeps a
 * killed one as a zombie, which `kill(pid, 0)` still finds: a zombie has ended.
 */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : ''
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
}

/** A signal reaches a process soon, not at once: looks until it has ended, for a while at most. */
async function endedSoon(pid: number): Promise<boolean> {
  for (let look = 0; look < 200 && isRunning(pid); look++) await sleep(25)
  return !isRunning(pid)
}

describe('a command check that starts a child', () => {
  it('monitor run: at the timeout the child goes too, the down alert is sent and the run ends', async () => {
    useHealthBot()
    const shell = spawningShell()
    const file = join(world.cli.env.HOME!, 'monitors.yml')
    writeFileSync(file, `defaults: {timeout: 1500ms, failure-threshold: 1}\nchecks:\n  - {name: queue-depth, type: command, run: ["sh", "${shell.script}"]}\n`)
    const run = world.run(['monitor', 'run', '--file', file])
    const grandchild = await shell.grandchild(run)
    expect(await run).toEqual({exitCode: 0, stderr: '', stdout: 'down   queue-depth: timed out after 1.5s\nalert  sent queue-depth down to health (bot health)'})
    expect(isRunning(grandchild)).toBe(false)
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(1)
  })

  it('monitor exec --max-time: the job and what it started are killed, and the alert says it timed out', async () => {
    useHealthBot()
    const shell = spawningShell()
    const run = world.run(['monitor', 'exec', '--name', 'nightly', '--max-time', '1500ms', '--', 'sh', shell.script])
    const grandchild = await shell.grandchild(run)
    expect(await run).toEqual({exitCode: 143, stdout: '', stderr: 'fastpay-tg: down   nightly: timed out after 1.5s\nfastpay-tg: alert  sent nightly down to health (bot health)'})
    expect(isRunning(grandchild)).toBe(false)
    expect(world.api.messages(ON_CALL.id).map((message) => (message.text ?? '').split('\n')[2])).toEqual(['error: timed out after 1.5s'])
  })
})

describe('a job that traps SIGTERM and exits 0 at --max-time', () => {
  it('still timed out: the check is down, and monitor exec exits 124 (as timeout(1) does), not 0', async () => {
    useHealthBot()
    const script = join(world.cli.env.HOME!, 'trap.sh')
    const marker = join(world.cli.env.HOME!, 'trap.log')
    // The job says where it got to: 'armed' once its trap is set, 'trapped' when the trap ran at our SIGTERM. On a
    // loaded machine the SIGTERM can come before the shell reached its `trap` line: the job then dies of the signal
    // (exit 143) and the run proves nothing about a job that exits 0, so the test says that instead of comparing.
    writeFileSync(script, `trap 'echo trapped >> ${marker}; exit 0' TERM\necho armed >> ${marker}\nsleep 300 &\nwait\n`)
    const run = await world.run(['monitor', 'exec', '--name', 'nightly', '--max-time', '1500ms', '--', 'sh', script])
    const reached = existsSync(marker) ? readFileSync(marker, 'utf8').trim().split('\n') : []
    if (!reached.includes('trapped')) throw new Error(`the job's trap never ran at --max-time (the job reached: ${JSON.stringify(reached)}), so it did not exit 0 of it: ${JSON.stringify(run)}`)
    expect(run).toEqual({exitCode: 124, stdout: '', stderr: 'fastpay-tg: down   nightly: timed out after 1.5s (exit code 0)\nfastpay-tg: alert  sent nightly down to health (bot health)'})
  })
})

describe('fastpay-tg stopped while a command runs', () => {
  it('SIGTERM to monitor exec stops the job with everything it started, and fastpay-tg dies of it', async () => {
    useHealthBot()
    const shell = spawningShell()
    const child = execa(process.execPath, [BIN, 'monitor', 'exec', '--name', 'nightly', '--', 'sh', shell.script], {env: world.cli.env, extendEnv: false, reject: false})
    const grandchild = await shell.grandchild(child)
    child.kill('SIGTERM')
    expect((await child).signal).toBe('SIGTERM')
    expect(await endedSoon(grandchild)).toBe(true)
  })

  it('SIGINT to monitor run (Ctrl-C: the check is not in our terminal group) stops the check with its child', async () => {
    useHealthBot()
    const shell = spawningShell()
    const file = join(world.cli.env.HOME!, 'monitors.yml')
    writeFileSync(file, `checks:\n  - {name: slow, type: command, run: "sh ${shell.script}", timeout: 20m}\n`)
    const child = execa(process.execPath, [BIN, 'monitor', 'run', '--file', file], {env: world.cli.env, extendEnv: false, reject: false})
    const grandchild = await shell.grandchild(child)
    child.kill('SIGINT')
    expect((await child).signal).toBe('SIGINT')
    expect(await endedSoon(grandchild)).toBe(true)
  })
})
