import {onExit} from 'signal-exit'

/**
 * A command spawned with `detached: true` leads a process group of its own (setsid), and this ends the whole group:
 * killing only the direct child leaves what it started (a shell's `sleep`, a script's workers) running, reparented
 * to PID 1 and holding our end of its output pipes open, so the run waited for them long past its timeout.
 */
export interface ProcessGroup {
  /** SIGTERM to the whole group, SIGKILL after the grace if any of it is left; then our ends of its pipes close. */
  stop(): void
  /** The command has ended: our exit no longer signals its group. */
  release(): void
}

/** What is used of a spawned child (node's ChildProcess, execa's subprocess). */
interface Spawned {
  readonly pid?: number | undefined
  readonly exitCode: number | null
  readonly signalCode: NodeJS.Signals | null
  readonly stdout: {destroy(): unknown} | null
  readonly stderr: {destroy(): unknown} | null
  once(event: 'exit', listener: () => void): unknown
}

/** How often a stopping group is looked at: it usually goes within milliseconds of SIGTERM. */
const POLL_MS = 50

/**
 * Spawns the command (`spawn` must pass `detached: true`) and watches the group it leads. A fatal signal to us
 * (Ctrl-C, SIGTERM) is passed on to the group, which no longer shares our terminal's process group and would not get
 * it otherwise; so is our exit (SIGTERM). A door that handles the signal itself (`monitor watch`) lets its pass finish
 * first: the group is signalled only if it outlives us.
 */
export function inProcessGroup<Child extends Spawned>(spawn: () => Child, graceMs: number): {child: Child; group: ProcessGroup} {
  let pgid: number | undefined
  // Listening before the spawn: a signal that came between the spawn and a listener would kill us on the spot (the
  // default action) and leave the group running.
  const removeExitHook = onExit((_code, signal) => {
    if (pgid !== undefined) signalGroup(pgid, signal ?? 'SIGTERM')
  })
  let child: Child
  try {
    child = spawn()
  } catch (error) {
    removeExitHook()
    throw error
  }
  pgid = child.pid
  let stopping = false
  let released = false
  const release = () => {
    if (released) return
    released = true
    removeExitHook()
  }
  const closePipes = () => {
    // A process that left the group (setsid, a daemon) may still hold the pipes: its output is not waited for.
    for (const stream of [child.stdout, child.stderr]) stream?.destroy()
  }
  const stop = () => {
    if (stopping || released || pgid === undefined) return
    stopping = true
    const group = pgid
    signalGroup(group, 'SIGTERM')
    const finish = (kill: boolean) => {
      clearInterval(poll)
      clearTimeout(deadline)
      if (kill) signalGroup(group, 'SIGKILL')
      if (child.exitCode !== null || child.signalCode !== null) closePipes()
      else child.once('exit', closePipes)
    }
    const poll = setInterval(() => {
      if (!groupExists(group)) finish(false)
    }, POLL_MS)
    const deadline = setTimeout(() => finish(true), graceMs)
  }
  return {child, group: {stop, release}}
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal)
  } catch {
    // ESRCH: the group is gone already.
  }
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
