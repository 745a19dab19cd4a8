// A key written into a health URL's query (`?token=…`, `&api_key=…`), as the curl line it replaces had it: the
// status page is published, so the value must not reach it, nor an alert, `monitor status`, the state or history.
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'
import {type FlipServer, startFlipServer} from './helpers.js'

const world = useCliWorld()
let server: FlipServer
beforeEach(async () => {
  server = await startFlipServer()
})
afterEach(() => server.close())

const TOKEN = 'q7Zt-literal-health-token'
const API_KEY = 'ak_5d2e9c41b7'

/**
 * Runs one failing pass of a check of `url` (alerting on the first failure), then reads back every place the monitor
 * shows it: run and status output, the status page, state.json, the history, the metrics file and the alerts sent.
 */
async function shownPlaces(url: string): Promise<Record<string, string>> {
  writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
  const home = world.cli.env.HOME!
  const file = join(home, 'monitors.yml')
  writeFileSync(file, `checks:\n  - {name: api, type: http, url: "${url}", failure-threshold: 1}\n`)
  server.answer = 'error'
  const metrics = join(home, 'fastpay-tg.prom')
  const run = await world.run(['monitor', 'run', '--file', file, '--json', '--metrics-file', metrics])
  expect(run.exitCode).toBe(0)
  const status = await world.run(['monitor', 'status', '--file', file])
  const statusJson = await world.run(['monitor', 'status', '--file', file, '--json'])
  const page = join(home, 'index.html')
  expect((await world.run(['monitor', 'status', '--file', file, '--html', page])).exitCode).toBe(0)
  // The server still got the real URL: masking is in what is shown.
  expect(server.hits).toBe(1)
  const stateDir = join(home, 'state', 'fastpay-tg', 'monitor')
  const history = join(stateDir, 'history')
  return {
    'monitor run --json': run.stdout,
    'monitor status': status.stdout,
    'monitor status --json': statusJson.stdout,
    'status page': readFileSync(page, 'utf8'),
    'state.json': readFileSync(join(stateDir, 'state.json'), 'utf8'),
    history: readdirSync(history).map((name) => readFileSync(join(history, name), 'utf8')).join(''),
    metrics: readFileSync(metrics, 'utf8'),
    alerts: world.api.messages(ON_CALL.id).map((message) => message.text ?? '').join('\n'),
    stderr: run.stderr + status.stderr,
  }
}

describe('a secret written into a check URL query', () => {
  it('is masked in every place the monitor shows the check; other query values stay readable', async () => {
    const sinks = await shownPlaces(`${server.url}/health?token=${TOKEN}&full=1&api_key=${API_KEY}`)
    for (const [sink, text] of Object.entries(sinks)) {
      expect(text, `token in ${sink}`).not.toContain(TOKEN)
      expect(text, `api_key in ${sink}`).not.toContain(API_KEY)
    }
    expect(sinks['monitor status --json']).toContain(`http GET ${server.url}/health?token=***&full=1&api_key=***`)
    expect(sinks.alerts).toContain(`check: http GET ${server.url}/health?token=***&full=1&api_key=***`)
  })
})

// The names keys go by in the wild, beyond the ones above: a password as `pwd`/`passwd`, a bearer token as `jwt`,
// OAuth's `access_token` and `client_secret`, a signed URL's `signature`, an Azure Functions key as `?code=`; and a
// token in the fragment, as an implicit-grant redirect has it (`#access_token=…`). None may reach what is shown.
describe('secrets under other common names, and in the fragment', () => {
  const VALUES = {
    pwd: 'pwd-7c1e0a9f',
    passwd: 'passwd-3b8d2e61',
    jwt: 'eyJhbGciOiJIUzI1NiJ9.e30.sig4x9',
    apikey: 'apikey-5e0c7d12',
    api_key: 'api-key-9a4f1c03',
    access_token: 'at-2f6b8e40c1',
    client_secret: 'cs-8d3a1f5b27',
    signature: 'sgn-4c9e2b7a10',
    code: 'fnkey-6a2d9c4e8b',
  }
  const FRAGMENT_TOKEN = 'frag-tok-1e7b3c9d'

  it('is masked in status, the page, alerts, --json, state.json, history and the metrics file', async () => {
    const query = Object.entries(VALUES).map(([name, value]) => `${name}=${value}`).join('&')
    const sinks = await shownPlaces(`${server.url}/health?${query}&zipcode=12345#access_token=${FRAGMENT_TOKEN}&token_type=bearer`)
    for (const [sink, text] of Object.entries(sinks)) {
      for (const [name, value] of Object.entries({...VALUES, fragment: FRAGMENT_TOKEN})) expect(text, `${name} in ${sink}`).not.toContain(value)
    }
    const masked = Object.keys(VALUES).map((name) => `${name}=***`).join('&')
    // A name that merely ends like one (zipcode) stays readable; token_type is masked with the rest of the *token* names.
    expect(sinks['monitor status --json']).toContain(`http GET ${server.url}/health?${masked}&zipcode=12345#access_token=***&token_type=***`)
  })
})
