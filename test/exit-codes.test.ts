import {describe, expect, it} from 'vitest'

import {ExitCode, worstExitCode} from '../src/exit-codes.js'

describe('worstExitCode', () => {
  it('nothing failed: 0', () => {
    expect(worstExitCode([])).toBe(ExitCode.ok)
    expect(worstExitCode([ExitCode.ok, ExitCode.ok])).toBe(ExitCode.ok)
  })

  it('unreachable outranks bad input, which outranks refused: a script knows whether a retry can help', () => {
    expect(worstExitCode([ExitCode.telegramRefused, ExitCode.unreachable, ExitCode.usage])).toBe(ExitCode.unreachable)
    expect(worstExitCode([ExitCode.telegramRefused, ExitCode.usage])).toBe(ExitCode.usage)
  })

  it('spooled (75) only when nothing failed: what waits in the outbox is on its way', () => {
    expect(worstExitCode([ExitCode.spooled, ExitCode.ok])).toBe(ExitCode.spooled)
    expect(worstExitCode([ExitCode.spooled, ExitCode.telegramRefused])).toBe(ExitCode.telegramRefused)
  })
})
