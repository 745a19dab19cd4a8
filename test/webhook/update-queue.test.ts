import {describe, expect, it} from 'vitest'

import {UpdateQueue} from '../../src/webhook/update-queue.js'

/** A task that runs until the test releases it, recording when it started and finished. */
function gate(log: string[], name: string) {
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  return {
    task: async () => {
      log.push(`start ${name}`)
      await released
      log.push(`end ${name}`)
    },
    release,
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('UpdateQueue', () => {
  it('keeps one lane in order while other lanes run, within the concurrency bound', async () => {
    const log: string[] = []
    const queue = new UpdateQueue({concurrency: 2, onError: () => undefined})
    const a1 = gate(log, 'a1')
    const a2 = gate(log, 'a2')
    const b1 = gate(log, 'b1')
    const c1 = gate(log, 'c1')
    queue.push('a', undefined, a1.task)
    queue.push('a', undefined, a2.task)
    queue.push('b', undefined, b1.task)
    queue.push('c', undefined, c1.task)
    await settle()
    expect(log).toEqual(['start a1', 'start b1'])
    expect(queue.size).toBe(4)
    a1.release()
    await settle()
    // a2 waited behind a1 in lane a; c1 was ready first.
    expect(log).toEqual(['start a1', 'start b1', 'end a1', 'start c1'])
    b1.release()
    await settle()
    expect(log.slice(4)).toEqual(['end b1', 'start a2'])
    c1.release()
    a2.release()
    expect(await queue.drain()).toBe(true)
    expect(queue.size).toBe(0)
  })

  it('a failing task is reported and the lane goes on', async () => {
    const errors: unknown[] = []
    const done: string[] = []
    const queue = new UpdateQueue({onError: (error) => errors.push(error)})
    queue.push('a', undefined, async () => {
      throw new Error('boom')
    })
    queue.push('a', undefined, async () => {
      done.push('second')
    })
    expect(await queue.drain()).toBe(true)
    expect([errors.map((error) => (error as Error).message), done]).toEqual([['boom'], ['second']])
  })

  it('drain gives up after its timeout and says so', async () => {
    const queue = new UpdateQueue({onError: () => undefined})
    queue.push('a', undefined, () => new Promise(() => undefined))
    expect(await queue.drain(0)).toBe(false)
  })

  it('stop takes out what has not started, each lane in order, and names what still runs; the lane then goes on', async () => {
    const log: string[] = []
    const queue = new UpdateQueue<string>({concurrency: 1, onError: () => undefined})
    const tasks = Object.fromEntries(['a1', 'a2', 'b1', 'a3'].map((name) => [name, gate(log, name)]))
    for (const name of ['a1', 'a2', 'b1', 'a3']) queue.push(name[0]!, name, tasks[name]!.task)
    await settle()
    const drained = queue.drain()
    expect(queue.stop()).toEqual({waiting: ['a2', 'a3', 'b1'], running: ['a1']})
    expect(queue.size).toBe(1)
    tasks.a1!.release()
    expect(await drained).toBe(true)
    expect(log).toEqual(['start a1', 'end a1'])
    const after = gate(log, 'a4')
    queue.push('a', 'a4', after.task)
    await settle()
    after.release()
    expect(await queue.drain()).toBe(true)
    expect(log).toEqual(['start a1', 'end a1', 'start a4', 'end a4'])
  })
})
