import {describe, expect, it} from 'vitest'

import {formatBytes} from '../../src/input/byte-limit.js'

describe('formatBytes', () => {
  it.each([
    [1024 * 1024, '1 MiB'],
    [64 * 1024, '64 KiB'],
    [50_000_000, '50,000,000 bytes'],
    [10_000_000, '10,000,000 bytes'],
    [1000, '1,000 bytes'],
    [999, '999 bytes'],
    [1_234_567_890, '1,234,567,890 bytes'],
  ])('%i → %s, grouped as en-US writes it', (bytes, shown) => {
    expect(formatBytes(bytes)).toBe(shown)
  })
})
