import {type ProgressLineOptions, type ProgressStream, progressLine} from '../support/progress-line.js'

export type {ProgressStream} from '../support/progress-line.js'

export interface Progress {
  update(done: number, total: number): void
  /** Clears the line, so that what follows starts clean. */
  end(): void
}

export type ProgressOptions = ProgressLineOptions

/**
 * `monitor: 120/1000 checks done` on one line that redraws itself, for passes that take a while (nothing before a
 * second), on a terminal only: undefined when `stream` is not a TTY (cron, pipes, CI logs).
 */
export function terminalProgress(stream: ProgressStream, options: ProgressOptions = {}): Progress | undefined {
  const line = progressLine(stream, options)
  if (!line) return undefined
  return {
    update: (done, total) => line.update(`monitor: ${done}/${total} checks done`, done >= total),
    end: () => line.end(),
  }
}
