// The built CLI in real processes, as cron starts it: overlapping passes, `monitor exec`, `status`, `watch`.
import {renameSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join, resolve} from 'node:path'
import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

import {callsOf, HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'

const world = useCliWorld()
const BIN = resolve(import.meta.dirname, '../../bin/run.js')

function useHealthBot(): void {
  writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
}

function monitorsFile(yaml: string): string {
  const path = join(world.cli.env.HOME!, 'monitors.yml')
  writeFileSync(path, yaml)
  return path
}

const alertTexts = () => world.api.messages(ON_CALL.id).map((message) => message.text ?? '')

/**
 * Holds every request until `count` have arrived, then answers them all 500: the passes that sent them are all
 * between running their checks and applying the results at the same moment. No timer of its own: a pass that never
 * arrives leaves the others to their checks' timeout, and the test says the barrier was released by nobody (an 8 s
 * fallback was a limit on how fast three CLI processes start on a loaded machine).
 */
async function startBarrier(count: number): Promise<{url: string; releasedBy: () => string; close(): Promise<void>}> {
  const waiting: Array<() => void> = []
  let releasedBy = 'nobody'
  const release = (by: string) => {
    if (releasedBy === 'nobody') releasedBy = by
    for (const answer of waiting.splice(0)) answer()
  }
  const server: Server = createServer((request, response) => {
    request.resume()
    waiting.push(() => response.writeHead(500).end('down'))
    if (waiting.length >= count) release('barrier')
    else if (releasedBy !== 'nobody') release(releasedBy)
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    releasedBy: () => releasedBy,
    close: () => {
      server.closeAllConnections()
      return new Promise((done) => server.close(() => done()))
    },
  }
}

describe('monitor run in overlapping processes', () => {
  it('three passes started at once that all see the failure send one alert, not three', async () => {
    useHealthBot()
    const barrier = await startBarrier(3)
    try {
      const file = monitorsFile(`checks:\n  - {name: api, type: http, url: "${barrier.url}/health", failure-threshold: 1, timeout: 20s}\n`)
      const results = await Promise.all([1, 2, 3].map(() => world.run(['monitor', 'run', '--file', file])))
      expect(barrier.releasedBy()).toBe('barrier')
      expect(results.map((result) => [result.exitCode, result.stderr])).toEqual([[0, ''], [0, ''], [0, '']])
      // Exactly one pass saw the change and printed it; the others found the check down already.
      expect(results.map((result) => result.stdout).filter((stdout) => stdout !== '').sort()).toEqual([
        'down   api: status 500 Internal Server Error, expected 2xx\nalert  sent api down to health (bot health)',
      ])
      expect(callsOf(world.api, 'sendMessage')).toHaveLength(1)
      expect(alertTexts()[0]!.split('\n').slice(0, 3)).toEqual(['❌ api is down', `check: http GET ${barrier.url}/health`, 'error: status 500 Internal Server Error, expected 2xx'])
    } finally {
      await barrier.close()
    }
  }, 120_000)
})

describe('monitor exec', () => {
  it('passes the job output through, alerts on failure with the output tail, recovers, and exits with the job code', async () => {
    useHealthBot()
    const failing = await world.run(['monitor', 'exec', '--name', 'backup', '--', 'sh', '-c', 'echo "dumping db"; echo "pg_dump: connection refused" >&2; exit 3'])
    expect(failing).toEqual({
      exitCode: 3,
      stdout: 'dumping db',
      stderr: 'pg_dump: connection refused\nfastpay-tg: down   backup: exit code 3\nfastpay-tg: alert  sent backup down to health (bot health)',
    })
    expect(alertTexts()).toHaveLength(1)
    expect(alertTexts()[0]!.split('\n').slice(0, 7)).toEqual([
      '❌ backup is down',
      'check: exec sh -c echo "dumping db"; echo "pg_dump: connection refused" >&2; exit 3',
      'error: exit code 3',
      expect.stringMatching(/^failing since: \d\d:\d\d:\d\d UTC \(1 failed check\)$/),
      '',
      'dumping db',
      'pg_dump: connection refused',
    ])

    const again = await world.run(['monitor', 'exec', '--name', 'backup', '--', 'sh', '-c', 'exit 3'])
    expect(again).toEqual({exitCode: 3, stdout: '', stderr: ''})
    expect(alertTexts()).toHaveLength(1)

    const passing = await world.run(['monitor', 'exec', '--name', 'backup', '--', 'sh', '-c', 'echo done'])
    expect(passing.exitCode).toBe(0)
    expect(passing.stdout).toBe('done')
    expect(passing.stderr).toBe('fastpay-tg: up     backup: exit code 0\nfastpay-tg: alert  sent backup recovered to health (bot health)')
    expect(alertTexts()).toHaveLength(2)
    expect(alertTexts()[1]!.split('\n').slice(0, 4)).toEqual([
      'ℹ️ backup is up again',
      'check: exec sh -c echo done',
      expect.stringMatching(/^down for: \d+s$/),
      'now: exit code 0',
    ])
  }, 120_000)

  it('exits 127 for a command that does not exist, and 2 without a command', async () => {
    useHealthBot()
    const missing = await world.run(['monitor', 'exec', '--name', 'job', '--no-send-on-resolved', '--', 'no-such-command-xyz'])
    expect(missing.exitCode).toBe(127)
    expect(missing.stderr).toBe('fastpay-tg: down   job: command not found: no-such-command-xyz\nfastpay-tg: alert  sent job down to health (bot health)')
    const nothing = await world.run(['monitor', 'exec', '--name', 'job'])
    expect(nothing).toEqual({exitCode: 2, stdout: '', stderr: 'Error: CMD: nothing to run: put the command after --, as in monitor exec --name backup -- backup.sh'})
  })
})

describe('monitor status and watch', () => {
  it('status lists the file\'s checks with their state, pending ones included', async () => {
    useHealthBot()
    const file = monitorsFile(`defaults: {failure-threshold: 1}\nchecks:\n  - {name: ok, type: command, run: ["true"]}\n  - {name: broken, type: command, run: ["false"]}\n`)
    await world.run(['monitor', 'run', '--file', file, '--check', 'broken'])
    const status = await world.run(['monitor', 'status', '--file', file, '--json'])
    const parsed = JSON.parse(status.stdout) as {checks: Array<{name: string; status: string; message?: string; failures: number}>}
    expect(parsed.checks.map(({name, status: state, message, failures}) => ({name, state, message, failures}))).toEqual([
      {name: 'ok', state: 'pending', message: undefined, failures: 0},
      {name: 'broken', state: 'down', message: 'exit code 1, expected 0', failures: 1},
    ])
    const table = await world.run(['monitor', 'status', '--file', file])
    const lines = table.stdout.split('\n')
    expect(lines.slice(0, 3).map((line) => line.split(/ {2,}/))).toEqual([
      ['CHECK', 'STATUS', 'SINCE', 'LAST CHECK', 'DETAIL'],
      ['ok', 'pending', '-', '-', 'not run yet'],
      ['broken', 'DOWN', expect.stringMatching(/^\d\d:\d\d:\d\d UTC \(\d+s\)$/), expect.stringMatching(/^\d\d:\d\d:\d\d UTC$/), 'exit code 1, expected 0 (1 failure in a row)'],
    ])
    expect(lines.slice(3, 5)).toEqual(['', expect.stringMatching(/^last pass \d\d:\d\d:\d\d UTC on .+: 1 check in \d+(?:\.\d+)?m?s, 1 down \(broken\)$/)])
  })

  it('watch runs passes until SIGTERM, then finishes cleanly with exit 0', async () => {
    useHealthBot()
    const file = monitorsFile(`checks:\n  - {name: tick, type: command, run: ["true"], interval: 1h}\n`)
    const child = execa(process.execPath, [BIN, 'monitor', 'watch', '--file', file, '--verbose'], {env: world.cli.env, extendEnv: false, reject: false})
    let stdout = ''
    await new Promise<void>((done) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        if (stdout.includes('1 check in')) done()
      })
    })
    child.kill('SIGTERM')
    const result = await child
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout.replace(/\(\d+(?:\.\d+)?m?s\)/, '(Nms)').replace(/in \d+(?:\.\d+)?m?s/, 'in Nms')).toBe(
      [`watching 1 check from ${file}`, 'ok     tick: exit code 0 (Nms)', '1 check in Nms: 1 not down, 0 down', 'SIGTERM: stopping after the pass in flight', 'stopped after 1 pass'].join('\n'),
    )
  })

  it('watch parses the monitors file once per version of it, however many passes read it (issue 15)', async () => {
    useHealthBot()
    const file = monitorsFile(`checks:\n  - {name: tick, type: command, run: ["true"], interval: 100ms}\n`)
    // No SIGKILL 5 s after the SIGTERM (execa's default): on a loaded machine the pass in flight may take that long.
    // Passes every 100 ms keep a command check in flight at most times, as when a SIGTERM once killed the watch.
    const child = execa(process.execPath, [BIN, 'monitor', 'watch', '--file', file, '--json', '--debug'], {env: world.cli.env, extendEnv: false, reject: false, forceKillAfterDelay: false})
    const passes: string[][] = []
    let edited = false
    let buffered = ''
    await new Promise<void>((done) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString()
        const lines = buffered.split('\n')
        buffered = lines.pop()!
        for (const line of lines) {
          const event = JSON.parse(line) as {event: string; checks?: Array<{name: string}>}
          if (event.event !== 'pass') continue
          passes.push(event.checks!.map((check) => check.name))
          // Three passes on the first version, then an edit (a save by rename, as editors do), then three more.
          if (passes.length === 3 && !edited) {
            edited = true
            writeFileSync(`${file}.new`, `checks:\n  - {name: tock, type: command, run: ["true"], interval: 100ms}\n`)
            renameSync(`${file}.new`, file)
          }
          if (passes.filter((names) => names.includes('tock')).length === 3) done()
        }
      })
    })
    child.kill('SIGTERM')
    const result = await child
    expect({exitCode: result.exitCode, signal: result.signal, stderr: result.stderr.split('\n').filter((line) => !line.includes('debug: '))}).toEqual({exitCode: 0, signal: undefined, stderr: []})
    const parses = result.stderr.split('\n').filter((line) => line.includes('monitors.yml: parsed and validated'))
    // Every pass loads the file again (edits apply without a restart); only the two versions were parsed.
    expect(parses).toHaveLength(2)
    expect(passes.length).toBeGreaterThanOrEqual(6)
    expect(passes.slice(0, 3)).toEqual([['tick'], ['tick'], ['tick']])
  })
})
