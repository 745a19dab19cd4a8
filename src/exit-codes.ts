/**
 * Exit codes every door documents. Scripts branch on them, so they never change meaning.
 */
export const ExitCode = {
  ok: 0,
  /** Telegram answered `ok: false` (blocked, chat not found, bad request), or an unexpected failure. */
  telegramRefused: 1,
  /** A bad flag, config file, environment value or input: fix it and run again. */
  usage: 2,
  /** Telegram could not be reached after retries (network down, timeouts, 5xx). */
  unreachable: 3,
  /**
   * Telegram could not take the alert now (unreachable, or rate limited beyond the bound): it was written to the
   * outbox and `alert flush`, or the next `alert`, delivers it. 75 is sysexits' EX_TEMPFAIL.
   */
  spooled: 75,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/**
 * The one exit code of a run that did several things (chats, bots, alerts): the worst failure decides, and
 * unreachable (3) outranks bad input (2) and refused (1), so that a script knows whether a retry can help. Spooled
 * (75) counts only when nothing failed: what waits in the outbox is on its way.
 */
export function worstExitCode(codes: Iterable<number>): ExitCodeValue {
  let worst: ExitCodeValue = ExitCode.ok
  for (const code of codes) if (severity(code) > severity(worst)) worst = code as ExitCodeValue
  return worst
}

const severity = (code: number) => (code === ExitCode.ok ? 0 : code === ExitCode.spooled ? 1 : 2 + code)
