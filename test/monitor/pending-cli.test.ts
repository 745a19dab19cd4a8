// The lost-outage path of issue 12 as cron meets it: a bare environment without the registry's token variable.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {callsOf, HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'
import {startFlipServer} from './helpers.js'

const world = useCliWorld()

describe('monitor run under cron (env -i) with the token given as ${ALERTS_TOKEN}', () => {
  it('keeps the down alert pending while the token is unset, then delivers it exactly once', async () => {
    writeRegistry(world.cli, `bots:\n  - name: health\n    token: \${ALERTS_TOKEN}\n    chat_ids: [${ON_CALL.id}]\n`)
    const server = await startFlipServer()
    try {
      server.answer = 'error'
      const file = join(world.cli.env.HOME!, 'monitors.yml')
      writeFileSync(file, `checks:\n  - {name: api, type: http, url: "${server.url}/health", failure-threshold: 1}\n`)
      // The sandbox's environment is all the child gets (extendEnv: false): HOME, PATH, XDG dirs, the API root.
      expect(Object.keys(world.cli.env)).not.toContain('ALERTS_TOKEN')

      const bare = await world.run(['monitor', 'run', '--file', file])
      expect(bare.exitCode).toBe(2)
      expect(bare.stdout.split('\n')).toEqual([
        'down   api: status 500 Internal Server Error, expected 2xx',
        expect.stringMatching(/^alert {2}failed api down to health: .*ALERTS_TOKEN.* \(pending: the next pass tries again\)$/),
      ])
      expect(callsOf(world.api, 'sendMessage')).toHaveLength(0)

      const status = await world.run(['monitor', 'status', '--file', file])
      expect(status.stdout.split('\n')[1]).toMatch(/^api +DOWN .*; alert pending: .*ALERTS_TOKEN.* \(down alert, 1 attempt\)$/)
      const health = await world.run(['health', '--json'], {env: {ALERTS_TOKEN: HEALTH_BOT.token}})
      expect(health.stdout).toMatch(/"api: alert pending since \d\d:\d\d:\d\d UTC: .*ALERTS_TOKEN.*\(down alert, 1 attempt\)"/)

      const withToken = await world.run(['monitor', 'run', '--file', file], {env: {ALERTS_TOKEN: HEALTH_BOT.token}})
      expect(withToken).toMatchObject({exitCode: 0, stdout: 'alert  sent api down to health (bot health)'})
      const again = await world.run(['monitor', 'run', '--file', file], {env: {ALERTS_TOKEN: HEALTH_BOT.token}})
      expect(again).toMatchObject({exitCode: 0, stdout: ''})

      const texts = world.api.messages(ON_CALL.id).map((message) => message.text ?? '')
      expect(texts).toHaveLength(1)
      expect(texts[0]!.split('\n')[0]).toBe('❌ api is down')
      expect(texts[0]).toMatch(/\ndelayed: could not be sent at \d\d:\d\d:\d\d UTC: .*ALERTS_TOKEN/)
      expect(texts[0]).not.toContain(HEALTH_BOT.token)
      const after = await world.run(['monitor', 'status', '--file', file])
      expect(after.stdout).not.toContain('alert pending')
    } finally {
      await server.close()
    }
    // Six CLI processes in a row: generous for a loaded machine (nothing here is timed).
  }, 120_000)
})
