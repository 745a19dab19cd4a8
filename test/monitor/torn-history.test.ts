// A history file whose last line was torn (a pass killed with SIGKILL mid-write, a full disk): the next pass's
// records must not be glued onto it and lost with it.
import {appendFileSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {monitorDirIn} from '../../src/store/file/file-monitor-store.js'
import {closedApiRoot, HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'

const world = useCliWorld()

describe('monitor run after a torn history line', () => {
  it('starts its records on a line of their own: the digest counts both passes, the torn line alone is skipped', async () => {
    writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
    const {port} = new URL(await closedApiRoot())
    const file = join(world.cli.env.HOME!, 'monitors.yml')
    writeFileSync(file, `defaults: { interval: 1s, timeout: 2s }\nchecks:\n  - name: web\n    type: tcp\n    host: 127.0.0.1\n    port: ${port}\n`)
    expect((await world.run(['monitor', 'run', '--file', file])).exitCode).toBe(0)
    const historyDir = join(monitorDirIn(world.cli.stateDir), 'history')
    const [day] = readdirSync(historyDir)
    appendFileSync(join(historyDir, day!), '{"type":"result","at":1,"chec')
    expect((await world.run(['monitor', 'run', '--file', file])).exitCode).toBe(0)
    const lines = readFileSync(join(historyDir, day!), 'utf8').split('\n')
    const readable = lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as {type: string; check: string}]
      } catch {
        return []
      }
    })
    expect(readable.filter((record) => record.type === 'result' && record.check === 'web')).toHaveLength(2)
    const digest = await world.run(['digest', '--since', '1h', '--dry-run'])
    expect(digest.stdout).toContain('· 1 check · 2 results</i>')
  })
})
