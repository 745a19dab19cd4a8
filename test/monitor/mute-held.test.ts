// An alert a mute holds back (the webhook's Mute button) is kept pending like one the throttle holds, and
// `monitor status` says which of the two holds it: an operator who muted a check must not go looking at its throttle.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'

import {throttleDirIn} from '../../src/support/state-dir.js'
import {FileThrottle} from '../../src/store/file/file-throttle.js'
import {HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'
import {type FlipServer, startFlipServer} from './helpers.js'

// Each test spawns several CLI processes; on a loaded machine they need more than the default 30 s (not a timing assertion).
vi.setConfig({testTimeout: 120_000})

const world = useCliWorld()
let server: FlipServer
beforeEach(async () => {
  server = await startFlipServer()
})
afterEach(() => server.close())

describe('an up-again alert held back by a mute', () => {
  it('is pending in monitor status as held back by a mute, until the mute’s end', async () => {
    writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
    const file = join(world.cli.env.HOME!, 'w.yml')
    writeFileSync(file, `checks:\n  - {name: api, type: http, url: "${server.url}/health", failure-threshold: 1, throttle: 1m}\n`)
    server.answer = 'error'
    const down = await world.run(['monitor', 'run', '--file', file])
    expect(down.stdout).toMatch(/^down +api/m)
    expect(world.api.messages(ON_CALL.id).map((message) => message.text?.split('\n')[0])).toEqual(['❌ api is down'])

    // What the Mute button does: the check's up-again alerts held for an hour, far past the 1m window.
    const mutedUntil = Date.now() + 3_600_000
    await new FileThrottle({dir: throttleDirIn(world.cli.stateDir)}).mute('monitor:api:recovered', mutedUntil)
    server.answer = 'ok'
    const up = await world.run(['monitor', 'run', '--file', file])
    expect(up.exitCode, up.stderr).toBe(0)
    expect(world.api.messages(ON_CALL.id)).toHaveLength(1)

    const until = `${new Date(mutedUntil).toISOString().slice(11, 19)} UTC`
    const status = await world.run(['monitor', 'status', '--file', file])
    expect(status.stdout).toContain(`alert pending: held back by a mute until ${until}`)
    expect(status.stdout).not.toContain('held back by the throttle')
    expect((await world.run(['health'])).stdout).toMatch(new RegExp(`warn +monitor +api: alert pending since .*: held back by a mute until ${until}`))
  })
})
