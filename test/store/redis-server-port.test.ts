// The port a test's own redis-server gets is picked free and bound only when redis-server starts: another program (or
// another test file's server) can take it in between, and that start used to fail the whole file ("redis-server
// exited before it was ready"). Here the picked port is taken on purpose, between the pick and the bind.
import {createServer, type Server} from 'node:net'
import {afterAll, describe, expect, it, vi} from 'vitest'

const taking = vi.hoisted(() => ({picks: 0, take: 0, servers: [] as Server[], taken: [] as number[]}))

vi.mock('../api/fixture.js', async (importActual) => {
  const actual = await importActual<typeof import('../api/fixture.js')>()
  return {
    ...actual,
    // The first `take` ports handed out are listened on before the caller can bind them.
    async closedPort() {
      const port = await actual.closedPort()
      if (taking.picks++ < taking.take) {
        const thief = createServer()
        await new Promise<void>((resolve) => thief.listen(port, '127.0.0.1', resolve))
        taking.servers.push(thief)
        taking.taken.push(port)
      }
      return port
    },
  }
})

const {connectRedis, redisForTests} = await import('./redis-server.js')

afterAll(async () => {
  await Promise.all(taking.servers.map((server) => new Promise((resolve) => server.close(resolve))))
})

function takeNext(count: number) {
  taking.picks = 0
  taking.take = count
  taking.taken = []
}

describe('a redis-server of our own, when its picked port is taken before it binds', () => {
  it('starts on another port and answers', async (context) => {
    takeNext(1)
    const found = await redisForTests({own: true})
    if (found.redis === undefined) return context.skip()
    const {redis} = found
    try {
      expect(taking.taken).toHaveLength(1)
      expect(new URL(redis.url).port).not.toBe(String(taking.taken[0]))
      const client = await connectRedis(redis.url)
      expect(await client.ping()).toBe('PONG')
      await client.quit()
    } finally {
      await redis.stop()
    }
  })

  it('gives up after a bounded number of tries, naming the ports it tried', async (context) => {
    takeNext(1_000)
    const found = await redisForTests({own: true}).catch((error: Error) => error)
    if (!(found instanceof Error) && found.skip) return context.skip()
    expect(found).toBeInstanceOf(Error)
    expect((found as Error).message).toBe(`redis-server found every port it tried in use (${taking.taken.join(', ')})`)
    expect(taking.taken).toHaveLength(5)
  })
})
