/** What one run of one check found. */
export interface CheckResult {
  ok: boolean
  /** Epoch ms (the pass's clock) when the check started: orders results of overlapping passes. */
  startedAt: number
  /** How long it took; for http, until the body was read. */
  durationMs: number
  /** One line: why it failed (`status 500, expected 200`), or what it saw (`200 OK`, `connected`). */
  message: string
  /** The last lines a command printed (command checks and `monitor exec`). */
  output?: string
  /** The command's exit code (command checks and `monitor exec`). */
  exitCode?: number
}

/** The part of a result a check computes; the runner adds the times. */
export type CheckOutcome = Pick<CheckResult, 'ok' | 'message' | 'output' | 'exitCode'>

export const pass = (message: string, extra: Partial<CheckOutcome> = {}): CheckOutcome => ({ok: true, message, ...extra})
export const fail = (message: string, extra: Partial<CheckOutcome> = {}): CheckOutcome => ({ok: false, message, ...extra})

/** The last `maxLines` lines of `text`, at most `maxChars` characters: enough to see why a job failed. */
export function outputTail(text: string, maxLines = 20, maxChars = 1500): string {
  const lines = text.replace(/\s+$/, '').split('\n')
  let tail = lines.slice(-maxLines).join('\n')
  if (tail.length > maxChars) tail = `…${tail.slice(-(maxChars - 1))}`
  return tail
}
