// `--json` on the monitor's long-running and job-wrapping commands: `watch` prints one event a line from start to
// stop; `exec` keeps stdout for its result, printed once the job has ended, and passes the job's stdout to stderr.
import {writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

import {HEALTH_BOT, jsonOf, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'

const world = useCliWorld()
const BIN = resolve(import.meta.dirname, '../../bin/run.js')

function useHealthBot(): void {
  writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
}

describe('monitor exec --json', () => {
  it('prints the result object after the job; the job output goes to stderr', async () => {
    useHealthBot()
    const result = await world.run(['monitor', 'exec', '--name', 'backup', '--json', '--', 'sh', '-c', 'echo "dumping db"; echo "pg_dump: refused" >&2; exit 3'])
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toBe('dumping db\npg_dump: refused')
    expect(jsonOf(result)).toEqual({
      exitCode: 3,
      result: {ok: false, startedAt: expect.any(Number), durationMs: expect.any(Number), message: 'exit code 3', exitCode: 3, output: 'dumping db\npg_dump: refused'},
      checks: [expect.objectContaining({name: 'backup', ok: false, status: 'down', change: 'down', message: 'exit code 3'})],
      alerts: [expect.objectContaining({status: 'sent', event: 'down', checks: ['backup'], channel: 'health', bot: 'health'})],
      evaluated: true,
      outbox: {delivered: [], waiting: 0, held: []},
      warnings: [],
    })
  })

  it('a usage error is the {error} object', async () => {
    const result = await world.run(['monitor', 'exec', '--name', 'job', '--json'])
    expect(result.exitCode).toBe(2)
    expect(jsonOf(result)).toEqual({error: {code: 'usage', message: 'CMD: nothing to run: put the command after --, as in monitor exec --name backup -- backup.sh', exitCode: 2}})
  })
})

describe('monitor watch --json', () => {
  it('prints started, pass, stopping and stopped, one JSON object a line', async () => {
    useHealthBot()
    const file = join(world.cli.env.HOME!, 'monitors.yml')
    writeFileSync(file, `checks:\n  - {name: tick, type: command, run: ["true"], interval: 1h}\n`)
    const child = execa(process.execPath, [BIN, 'monitor', 'watch', '--file', file, '--json'], {env: world.cli.env, extendEnv: false, reject: false})
    let stdout = ''
    await new Promise<void>((done) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        if (stdout.includes('"event":"pass"')) done()
      })
    })
    child.kill('SIGTERM')
    const result = await child
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('')
    const events = result.stdout.split('\n').map((line) => JSON.parse(line) as {event: string; time: string} & Record<string, unknown>)
    for (const event of events) expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(events.map(({time, ...event}) => event)).toEqual([
      {event: 'started', checks: ['tick'], sources: [file]},
      expect.objectContaining({event: 'pass', checks: [expect.objectContaining({name: 'tick', ok: true, message: 'exit code 0'})], alerts: [], evaluated: true}),
      {event: 'stopping', signal: 'SIGTERM'},
      {event: 'stopped', passes: 1, warnings: []},
    ])
  })
})
