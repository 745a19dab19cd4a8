// Lines written many times a second (webhook serve's line per handled update), gathered during one event-loop turn
// and written in one go. process.stdout is synchronous for files and pipes: one system call a line cost serve about
// a tenth of its CPU an update, one a turn costs that once for all the lines the turn produced.

export interface TurnWriter {
  /** Queues text, written at the end of this turn after what was queued before it. */
  write(text: string): void
  /** Writes what is queued now: call it before any other write whose order against these lines matters. */
  flush(): void
}

export function turnWriter(stream: {write(text: string): unknown}): TurnWriter {
  let pending: string[] = []
  const flush = () => {
    if (pending.length === 0) return
    const text = pending.length === 1 ? pending[0]! : pending.join('')
    pending = []
    stream.write(text)
  }
  // A process that ends before the turn does (an error, process.exit) still writes them: synchronously, see above.
  process.once('exit', flush)
  return {
    write(text) {
      if (pending.length === 0) setImmediate(flush)
      pending.push(text)
    },
    flush,
  }
}
