// Issue 11 must-show 4 (monitor half): values filled from `${VAR}` and a URL's userinfo never reach an alert,
// `monitor status`, the history or state.json; what shows instead names the variable, or `***`.
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {maskSecrets, maskUserinfo, userinfoSecrets} from '../../src/monitor/check-secrets.js'
import {statusRows, statusTable} from '../../src/monitor/status.js'
import {type FlipServer, monitorsFrom, startFlipServer, useMonitorWorld} from './helpers.js'

const world = useMonitorWorld()
let server: FlipServer
beforeEach(async () => {
  server = await startFlipServer()
})
afterEach(() => server.close())

const SECRETS = {API_KEY: 'k3y-6f1d9e2a77c4', MON_USER: 'svc-monitor', MON_PASS: 'Pa55-w0rd-x9'}
const env = {...SECRETS, PATH: process.env.PATH}

async function secretChecks() {
  const [scheme, rest] = server.url.split('://') as [string, string]
  const {config} = await monitorsFrom(
    `defaults: {failure-threshold: 1}
checks:
  - name: api
    type: http
    url: "${scheme}://\${MON_USER}:\${MON_PASS}@${rest}/health?key=\${API_KEY}"
    headers: {Authorization: "Bearer \${API_KEY}"}
  - name: job
    type: command
    channel: jobs
    run: 'echo "calling with $KEY as $WHO"; exit 3'
    env: {KEY: "\${API_KEY}", WHO: "\${MON_USER}"}
`,
    'monitors.yml',
    env,
  )
  return config.checks
}

/** Every place a pass leaves text behind. */
function sinks(report: unknown, checks: Awaited<ReturnType<typeof secretChecks>>) {
  return world.store.readState().then(({state}) => {
    const monitorDir = join(world.stateDir, 'monitor')
    const historyDir = join(monitorDir, 'history')
    return {
      alerts: world.texts().join('\n'),
      status: [...statusTable(statusRows(state, checks), state, world.clock.now), JSON.stringify(statusRows(state, checks))].join('\n'),
      history: readdirSync(historyDir).map((name) => readFileSync(join(historyDir, name), 'utf8')).join(''),
      'state.json': readFileSync(join(monitorDir, 'state.json'), 'utf8'),
      'monitor run --json': JSON.stringify(report),
    }
  })
}

describe('secrets of the monitors file', () => {
  it('are masked in alerts, status, history, state.json and the pass report, down and up again', async () => {
    const checks = await secretChecks()
    server.answer = 'error'
    const down = await world.pass(checks)
    expect(down.alerts.map((alert) => alert.status)).toEqual(['sent', 'sent'])
    server.answer = 'ok'
    await world.pass(checks)
    // The server did get the real credentials: masking is in what is shown, not in what is sent.
    expect(server.hits).toBe(2)

    const all = await sinks(down, checks)
    for (const [sink, text] of Object.entries(all)) {
      for (const [name, value] of Object.entries(SECRETS)) expect(text, `${name} in ${sink}`).not.toContain(value)
    }
    expect(all.alerts).toContain(`check: http GET ${server.url.replace('://', '://***@')}/health?key=\${API_KEY}`)
    expect(all.alerts).toContain('calling with ${API_KEY} as ${MON_USER}')
    expect(all.status).toContain(`http GET ${server.url.replace('://', '://***@')}/health?key=\${API_KEY}`)
    expect(all['state.json']).toContain('calling with ${API_KEY} as ${MON_USER}')
  })
})

describe('masking', () => {
  const secrets = [{value: 'k3y/with space', shown: '${API_KEY}'}, {value: 'ab', shown: '${SHORT}'}]

  it('catches a value as is, percent-encoded and JSON-escaped', () => {
    expect(maskSecrets('a k3y/with space b', secrets)).toBe('a ${API_KEY} b')
    expect(maskSecrets('GET /x?key=k3y%2Fwith%20space', secrets)).toBe('GET /x?key=${API_KEY}')
    expect(maskSecrets(JSON.stringify({key: 'k3y/with space"'}), [{value: 'with space"', shown: '***'}])).toBe('{"key":"k3y/***"}')
  })

  it('leaves values too short to be told from ordinary text alone', () => {
    expect(maskSecrets('about ab', secrets)).toBe('about ab')
  })

  it('masks URL userinfo, decoded and as written', () => {
    expect(maskUserinfo('https://svc:p%40ss@db.example.com:8443/x?user=a')).toBe('https://***@db.example.com:8443/x?user=a')
    expect(maskUserinfo('https://db.example.com/x@y')).toBe('https://db.example.com/x@y')
    expect(userinfoSecrets('https://svc:p%40ss@db.example.com/').map((secret) => secret.value).sort()).toEqual(['p%40ss', 'p@ss', 'svc', 'svc:p%40ss', 'svc:p@ss'])
  })
})
