/**
 * Whether a process with this id runs on this machine. Locks and outbox claims record their owner's pid, so that a
 * run killed mid-way (cron timeout, OOM killer, kill -9) is noticed at once rather than after a timeout.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
