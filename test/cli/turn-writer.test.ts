// webhook serve's update lines: gathered during one event-loop turn, written in one go, in order, none lost.
import {describe, expect, it} from 'vitest'

import {turnWriter} from '../../commands/support/turn-writer.js'

const nextTurn = () => new Promise<void>((done) => setImmediate(done))

describe('turnWriter', () => {
  it('writes the lines of one turn in one write, in order', async () => {
    const writes: string[] = []
    const lines = turnWriter({write: (text: string) => writes.push(text)})
    lines.write('a\n')
    lines.write('b\n')
    expect(writes).toEqual([])
    await nextTurn()
    expect(writes).toEqual(['a\nb\n'])
    lines.write('c\n')
    await nextTurn()
    expect(writes).toEqual(['a\nb\n', 'c\n'])
  })

  it('flush writes what is queued now, before a line written straight after it', async () => {
    const writes: string[] = []
    const lines = turnWriter({write: (text: string) => writes.push(text)})
    lines.write('update\n')
    lines.flush()
    writes.push('stopped\n')
    await nextTurn()
    expect(writes).toEqual(['update\n', 'stopped\n'])
  })
})
