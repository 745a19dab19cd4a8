// `monitor run --dry-run`: a monitors file tried without state or alerts, as a newcomer tries monitors/ from the
// README, or an operator a new file before cron runs it. The built CLI against the fake Bot API.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {closedPort} from '../api/fixture.js'
import {callsOf, HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'
import {filesUnder} from '../helpers/files-under.js'
import {startFlipServer} from './helpers.js'

const world = useCliWorld()

async function monitorsWorld() {
  writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
  const server = await startFlipServer()
  const file = join(world.cli.env.HOME!, 'monitors.yml')
  writeFileSync(
    file,
    [
      'checks:',
      `  - {name: api, type: http, url: "${server.url}/health?key=\${PROBE_KEY}", failure-threshold: 1}`,
      `  - {name: db, type: tcp, host: 127.0.0.1, port: ${await closedPort()}, failure-threshold: 1}`,
      '',
    ].join('\n'),
  )
  return {server, file, env: {PROBE_KEY: 'probe-key-0123456789'}}
}

describe('monitor run --dry-run', () => {
  it('prints what each check found, and changes nothing: the next real pass alerts as on a first run', async () => {
    const {server, file, env} = await monitorsWorld()
    try {
      const dry = await world.run(['monitor', 'run', '--file', file, '--dry-run'], {env})
      expect([dry.exitCode, dry.stderr]).toEqual([0, ''])
      expect(dry.stdout.split('\n')).toEqual([
        expect.stringMatching(/^ok {5}api: 200 OK \(\d+ms\)$/),
        expect.stringMatching(/^fail {3}db: .*refused.* \(\d+ms\)$/i),
        expect.stringMatching(/^2 checks in .+: 1 passing, 1 failing \(dry run: no state changed, no alert sent, nothing recorded\)$/),
      ])
      expect(server.hits).toBe(1)
      expect(world.api.requests).toEqual([])
      // No state, history, throttle or outbox, nor the validated file's cache.
      expect(filesUnder(world.cli.stateDir)).toEqual([])

      const real = await world.run(['monitor', 'run', '--file', file], {env})
      expect(real.exitCode).toBe(0)
      expect(real.stdout.split('\n')).toEqual([expect.stringMatching(/^down {3}db: /), 'alert  sent db down to health (bot health)'])
      expect(callsOf(world.api, 'sendMessage')).toHaveLength(1)
    } finally {
      await server.close()
    }
  })

  it('--json: each check\'s finding, its target with the secret named, never shown', async () => {
    const {server, file, env} = await monitorsWorld()
    try {
      const result = await world.run(['monitor', 'run', '--file', file, '--dry-run', '--json'], {env})
      expect([result.exitCode, result.stderr]).toEqual([0, ''])
      const report = JSON.parse(result.stdout) as {dryRun: boolean; checks: Array<{name: string; target: string; ok: boolean; message: string}>; sources: string[]}
      expect(report.dryRun).toBe(true)
      expect(report.checks.map(({name, ok}) => [name, ok])).toEqual([
        ['api', true],
        ['db', false],
      ])
      expect(report.checks[0]!.target).toBe(`http GET ${server.url}/health?key=\${PROBE_KEY}`)
      expect(result.stdout).not.toContain(env.PROBE_KEY)
      expect(world.api.requests).toEqual([])
    } finally {
      await server.close()
    }
  })

  it('with --metrics-file is one line naming both flags, exit 2, nothing run', async () => {
    const {server, file, env} = await monitorsWorld()
    try {
      const result = await world.run(['monitor', 'run', '--file', file, '--dry-run', '--metrics-file', join(world.cli.env.HOME!, 'm.prom')], {env})
      expect(result.exitCode).toBe(2)
      expect(result.stdout).toBe('')
      expect(result.stderr.split('\n')).toHaveLength(1)
      expect(result.stderr).toMatch(/--dry-run/)
      expect(result.stderr).toMatch(/--metrics-file/)
      expect(server.hits).toBe(0)
    } finally {
      await server.close()
    }
  })
})
