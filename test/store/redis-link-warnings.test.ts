import type {Redis} from 'ioredis'
import {afterEach, describe, expect, it} from 'vitest'

import {RedisLink, type RedisLinkOptions} from '../../src/store/redis/redis-link.js'

// The constructor is private (create() builds the client); these links get a stand-in client.
const Link = RedisLink as unknown as new (redis: Redis, options: RedisLinkOptions) => RedisLink

// A client whose connect the test settles, saying on console.warn what ioredis says of a needless password.
function stubClient(): {redis: Redis; settle: () => void} {
  let settle = () => {}
  const client = {
    status: 'wait',
    options: {},
    on: () => client,
    disconnect: () => {},
    connect: () =>
      new Promise<void>((resolve) => {
        settle = () => {
          console.warn("[WARN] This Redis server's default user does not require a password, but a password was supplied")
          client.status = 'ready'
          resolve()
        }
      }),
  }
  return {redis: client as unknown as Redis, settle: () => settle()}
}

describe('RedisLink: the client warnings caught while connecting', () => {
  const original = console.warn
  afterEach(() => {
    console.warn = original
  })

  it('two links connecting at once, the first finishing first: console.warn is given back, each told its line', async () => {
    const a = stubClient()
    const b = stubClient()
    const told: string[] = []
    const linkA = new Link(a.redis, {url: 'redis://a:6379', display: 'redis://a:6379', onNotice: (line: string) => told.push(line)})
    const linkB = new Link(b.redis, {url: 'redis://b:6379', display: 'redis://b:6379', onNotice: (line: string) => told.push(line)})
    const connectingA = linkA.available()
    const connectingB = linkB.available()
    a.settle()
    await connectingA
    b.settle()
    await connectingB
    expect(console.warn).toBe(original)
    expect(told.filter((line) => line.includes('redis://a:6379'))).toHaveLength(1)
    expect(told.filter((line) => line.includes('redis://b:6379'))).toHaveLength(1)
  })
})
