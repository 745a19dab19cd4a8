/** Where progress goes: a terminal. */
export interface ProgressStream {
  isTTY?: boolean
  write(text: string): unknown
}

export interface Progress {
  update(done: number, total: number): void
  /** Clears the line, so that what follows starts clean. */
  end(): void
}

export interface ProgressOptions {
  /** @default performance.now-based */
  now?: () => number
  /** Redraws at most this often; the last check always shows. @default 100 */
  minIntervalMs?: number
  /** Nothing is drawn before the pass has run this long: a quick pass leaves no trace. @default 1000 */
  delayMs?: number
}

/**
 * `monitor: 120/1000 checks done` on one line that redraws itself, for passes that take a while, on a terminal only:
 * undefined when `stream` is not a TTY (cron, pipes, CI logs), where it would only add noise.
 */
export function terminalProgress(stream: ProgressStream, options: ProgressOptions = {}): Progress | undefined {
  if (!stream.isTTY) return undefined
  const now = options.now ?? (() => performance.now())
  const minIntervalMs = options.minIntervalMs ?? 100
  const showFrom = now() + (options.delayMs ?? 1000)
  let drawnAt = -Infinity
  let drawn = false
  return {
    update(done, total) {
      const at = now()
      if (at < showFrom || (done < total && at - drawnAt < minIntervalMs)) return
      drawnAt = at
      drawn = true
      stream.write(`\r\u001b[2Kmonitor: ${done}/${total} checks done`)
    },
    end() {
      if (drawn) stream.write('\r\u001b[2K')
    },
  }
}
