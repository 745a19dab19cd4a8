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

describe('a secret written into a check URL query', () => {
  it('is masked in every place the monitor shows the check; other query values stay readable', async () => {
    writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
    const home = world.cli.env.HOME!
    const file = join(home, 'monitors.yml')
    writeFileSync(file, `checks:\n  - {name: api, type: http, url: "${server.url}/health?token=${TOKEN}&full=1&api_key=${API_KEY}", failure-threshold: 1}\n`)
    server.answer = 'error'
    const run = await world.run(['monitor', 'run', '--file', file, '--json'])
    expect(run.exitCode).toBe(0)
    const status = await world.run(['monitor', 'status', '--file', file, '--json'])
    const page = join(home, 'index.html')
    expect((await world.run(['monitor', 'status', '--file', file, '--html', page])).exitCode).toBe(0)
    // The server still got the real URL: masking is in what is shown.
    expect(server.hits).toBe(1)

    const stateDir = join(home, 'state', 'fastpay-tg', 'monitor')
    const history = join(stateDir, 'history')
    const sinks = {
      'monitor run --json': run.stdout,
      'monitor status --json': status.stdout,
      'status page': readFileSync(page, 'utf8'),
      'state.json': readFileSync(join(stateDir, 'state.json'), 'utf8'),
      history: readdirSync(history).map((name) => readFileSync(join(history, name), 'utf8')).join(''),
      alerts: world.api.messages(ON_CALL.id).map((message) => message.text ?? '').join('\n'),
    }
    for (const [sink, text] of Object.entries(sinks)) {
      expect(text, `token in ${sink}`).not.toContain(TOKEN)
      expect(text, `api_key in ${sink}`).not.toContain(API_KEY)
    }
    expect(sinks['monitor status --json']).toContain(`http GET ${server.url}/health?token=***&full=1&api_key=***`)
    expect(sinks.alerts).toContain(`check: http GET ${server.url}/health?token=***&full=1&api_key=***`)
  })
})
