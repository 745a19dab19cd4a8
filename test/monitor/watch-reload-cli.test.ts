// `monitor watch` under systemd, edited in place: a broken edit is a warning and the watch goes on with the last
// good file; the operator fixing it must see that the fix took, without running `monitor status`.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it, vi} from 'vitest'

import {HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'
import {spawnCli} from '../metrics/cli-process.js'

const world = useCliWorld()

describe('monitor watch reloading its file', () => {
  it('says when an edited file is in use, also after a broken edit is fixed', async () => {
    writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
    const file = join(world.cli.env.HOME!, 'monitors.yml')
    const check = (name: string) => `  - {name: ${name}, type: command, run: ["true"], interval: 1s}\n`
    writeFileSync(file, `checks:\n${check('one')}`)
    const watch = spawnCli(world.cli, ['monitor', 'watch', '--file', file, '--verbose'])
    try {
      await watch.waitForLine(/^watching 1 check from /)
      await watch.waitForLine(/^ok {5}one: /)
      writeFileSync(file, 'checks:\n  - {name: two, type: htp}\n')
      await vi.waitFor(() => expect(watch.stderr()).toContain('(still watching with the last good monitors file)'), {timeout: 20_000, interval: 50})
      writeFileSync(file, `checks:\n${check('one')}${check('two')}`)
      expect(await watch.waitForLine(/^reloaded /)).toBe(`reloaded ${file}: watching 2 checks`)
      await watch.waitForLine(/^ok {5}two: /)
    } finally {
      expect((await watch.stop()).exitCode).toBe(0)
    }
  })
})
