import {rmSync} from 'node:fs'

/**
 * Temporary copies of uploads (stdin spooled to disk) hold whatever the user piped in: a database dump, a log with
 * customer data. They are removed when the process ends, whether it returns, exits or is stopped by SIGINT, SIGTERM
 * or SIGHUP. Only kill -9 leaves one behind, in a private 0700 directory.
 */
const pending = new Set<string>()
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/** Registers `path` (a directory or file) for removal at exit; returns the function that removes it now. */
export function removeAtExit(path: string): () => void {
  if (pending.size === 0) install()
  pending.add(path)
  return () => {
    if (!pending.delete(path)) return
    removeQuietly(path)
    if (pending.size === 0) uninstall()
  }
}

/** Takes `path` off the list without removing it: it outlives the process (the outbox's copy of a file, say). */
export function keepAfterExit(path: string): void {
  if (pending.delete(path) && pending.size === 0) uninstall()
}

function removeAll(): void {
  for (const path of pending) removeQuietly(path)
  pending.clear()
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, {recursive: true, force: true})
  } catch {
    // Exiting anyway: a copy we cannot remove is in a 0700 directory of ours, and nothing better can be done now.
  }
}

function onSignal(signal: NodeJS.Signals): void {
  removeAll()
  const othersListen = process.listenerCount(signal) > 1
  uninstall()
  // A door that handles the signal (webhook serve, monitor watch) decides what it means. Otherwise the process
  // dies of it as it would have without us, so the parent sees "killed by SIGTERM", not a made-up exit code.
  if (!othersListen) process.kill(process.pid, signal)
}

function install(): void {
  process.on('exit', removeAll)
  for (const signal of SIGNALS) process.on(signal, onSignal)
}

function uninstall(): void {
  process.off('exit', removeAll)
  for (const signal of SIGNALS) process.off(signal, onSignal)
}
