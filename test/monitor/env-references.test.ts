// `${VAR}` in a monitors file as operators write it when the address itself comes from the environment (the same
// file on staging and production): a whole URL, a URL's host and port, a tcp or tls check's host.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {useCliWorld} from '../cli/fixture.js'
import {type FlipServer, startFlipServer} from './helpers.js'

const world = useCliWorld()
let server: FlipServer
beforeEach(async () => {
  server = await startFlipServer()
})
afterEach(() => server.close())

function monitorsFile(checks: string): string {
  const file = join(world.cli.env.HOME!, 'monitors.yml')
  writeFileSync(file, `checks:\n${checks}`)
  return file
}

const dryRun = (file: string, env: Record<string, string>) => world.run(['monitor', 'run', '--file', file, '--dry-run'], {env})

describe('${VAR} in what a check connects to', () => {
  it('fills a whole URL, and a URL whose host and port come from the environment', async () => {
    const file = monitorsFile('  - {name: whole, type: http, url: "${HEALTH_URL}"}\n  - {name: parts, type: http, url: "http://${API_HOST}:${API_PORT}/health"}\n')
    const {port} = new URL(server.url)
    const result = await dryRun(file, {HEALTH_URL: `${server.url}/health`, API_HOST: '127.0.0.1', API_PORT: port})
    expect(result.exitCode).toBe(0)
    expect(result.stdout.split('\n').map((line) => line.replace(/ \(\d+ms\)$/, ''))).toEqual([
      'ok     whole: 200 OK',
      'ok     parts: 200 OK',
      expect.stringMatching(/^2 checks in .*: 2 passing, 0 failing \(dry run/),
    ])
    expect(result.stderr).toBe('')
  })

  it('a URL that is no http(s) URL once filled in: one line naming the field, never the value, exit 2', async () => {
    const file = monitorsFile('  - {name: whole, type: http, url: "${HEALTH_URL}"}\n')
    const result = await dryRun(file, {HEALTH_URL: 'ftp://user:s3cretpass@files.example/health'})
    expect({exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr}).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `Error: ${file}: checks[0].url: expected an http:// or https:// URL once filled in from \${HEALTH_URL}`,
    })
  })

  it('fills the host of a tcp and a tls check; an unset one is one line naming the field, exit 2', async () => {
    const {port} = new URL(server.url)
    const file = monitorsFile(`  - {name: db, type: tcp, host: "\${DB_HOST}", port: ${port}}\n`)
    const result = await dryRun(file, {DB_HOST: '127.0.0.1'})
    expect(result.stdout.split('\n')[0]).toMatch(/^ok {5}db: connected \(\d+ms\)$/)
    const tls = monitorsFile('  - {name: cert, type: tls, host: "${CERT_HOST}"}\n')
    const unset = await dryRun(tls, {})
    expect({exitCode: unset.exitCode, stdout: unset.stdout, stderr: unset.stderr}).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `Error: ${tls}: checks[0].host: \${CERT_HOST} is not set`,
    })
  })

  it('a tcp host filled in empty (DB_HOST= in the unit file) is one line naming the field, exit 2: never localhost', async () => {
    const {port} = new URL(server.url)
    const file = monitorsFile(`  - {name: db, type: tcp, host: "\${DB_HOST}", port: ${port}}\n`)
    const empty = await dryRun(file, {DB_HOST: ''})
    expect({exitCode: empty.exitCode, stdout: empty.stdout, stderr: empty.stderr}).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `Error: ${file}: checks[0].host: \${DB_HOST} is empty`,
    })
  })
})

// `monitor status` (and its --html page from cron) runs no check: the secrets the checks send are monitor run's to
// have. Refusing with exit 2 where ${PAY_TOKEN} is not set left the page stale and the table unreadable.
describe('monitor status of a file whose checks take ${VAR}', () => {
  it('shows the table and writes the page without the variables set; monitor run still needs them', async () => {
    const file = monitorsFile(`  - {name: pay, type: http, url: "${server.url}/health", headers: {Authorization: "Bearer \${PAY_TOKEN}"}}\n  - {name: whole, type: http, url: "\${HEALTH_URL}"}\n  - {name: later, type: tcp, host: "\${DB_HOST}", port: 5432}\n`)
    const run = await world.run(['monitor', 'run', '--file', file, '--check', 'pay'], {env: {PAY_TOKEN: 'tok-8c2f1e9a', HEALTH_URL: `${server.url}/h`, DB_HOST: '127.0.0.1'}})
    expect(run.exitCode).toBe(0)
    const status = await world.run(['monitor', 'status', '--file', file])
    expect([status.exitCode, status.stderr]).toEqual([0, ''])
    expect(status.stdout.split('\n').slice(1, 4).map((line) => line.split(/\s+/).slice(0, 2))).toEqual([
      ['pay', 'up'],
      ['whole', 'pending'],
      ['later', 'pending'],
    ])
    const page = join(world.cli.env.HOME!, 'www', 'index.html')
    expect((await world.run(['monitor', 'status', '--file', file, '--html', page])).exitCode).toBe(0)
    // A file with a mistake is still exit 2.
    writeFileSync(file, 'checks:\n  - {name: pay, type: htp}\n')
    expect((await world.run(['monitor', 'status', '--file', file])).exitCode).toBe(2)
    expect((await dryRun(monitorsFile('  - {name: pay, type: http, url: "${HEALTH_URL}"}\n'), {})).stderr).toMatch(/HEALTH_URL\} is not set/)
  })
})
