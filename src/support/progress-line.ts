/** Where a progress line goes: a terminal's stream. */
export interface ProgressStream {
  isTTY?: boolean
  write(text: string): unknown
}

export interface ProgressLine {
  /** Redraws the line with `text`; `final` always draws (the last state must show), others at most every interval. */
  update(text: string, final?: boolean): void
  /** Clears the line, so that what follows starts clean. */
  end(): void
}

export interface ProgressLineOptions {
  /** @default performance.now-based */
  now?: () => number
  /** Redraws at most this often; a final update always shows. @default 100 */
  minIntervalMs?: number
  /** Nothing is drawn before the work has run this long: quick work leaves no trace. @default 1000 */
  delayMs?: number
}

// Carriage return, then "erase the whole line": the next text replaces the last one in place.
const REDRAW = '\r\u001b[2K'

/**
 * One line that redraws itself (`12/150 sent`), for work that takes a while, on a terminal only: undefined when
 * `stream` is not a TTY (cron, pipes, CI logs), where it would only add noise.
 */
export function progressLine(stream: ProgressStream, options: ProgressLineOptions = {}): ProgressLine | undefined {
  if (!stream.isTTY) return undefined
  const now = options.now ?? (() => performance.now())
  const minIntervalMs = options.minIntervalMs ?? 100
  const showFrom = now() + (options.delayMs ?? 1000)
  let drawnAt = -Infinity
  let drawn = false
  return {
    update(text, final = false) {
      const at = now()
      if (at < showFrom || (!final && at - drawnAt < minIntervalMs)) return
      drawnAt = at
      drawn = true
      stream.write(`${REDRAW}${text}`)
    },
    end() {
      if (drawn) stream.write(REDRAW)
    },
  }
}
