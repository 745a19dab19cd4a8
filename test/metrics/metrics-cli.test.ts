// The metrics of the built CLI: a real /metrics listener of `monitor watch` and `webhook serve`, scraped over HTTP
// and checked with promtool, and the textfile of `monitor run --metrics-file`.
import {readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {expectUsageError, HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'
import {stoppedAtFirstLine} from '../helpers/stopped-at-first-line.js'
import {type CliProcess, ownSamples, PROMTOOL, promtoolCheck, spawnCli} from './cli-process.js'

const world = useCliWorld()
const SECRET = 'hook_S3cret-value'
const HEADER = {'X-Telegram-Bot-Api-Secret-Token': SECRET}

function setUp(): string {
  writeRegistry(world.cli, `bots:\n  - name: health\n    id: 1\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
  const file = join(world.cli.env.HOME!, 'monitors.yml')
  // An hour apart: a watch runs exactly one pass while the test looks.
  writeFileSync(file, 'defaults: {failure-threshold: 1, interval: 1h}\nchecks:\n  - {name: ok, type: command, run: ["true"]}\n  - {name: broken, type: command, run: ["false"]}\n')
  return file
}

/** `metrics on http://…/metrics` from the process's output. */
async function metricsUrl(process: CliProcess): Promise<string> {
  return (await process.waitForLine(/^metrics on http:\/\//)).slice('metrics on '.length).trim()
}

async function scrape(url: string): Promise<{status: number; type: string | null; text: string}> {
  const response = await fetch(url)
  return {status: response.status, type: response.headers.get('content-type'), text: await response.text()}
}

const sumsHidden = (samples: string[]) => samples.map((line) => line.replace(/(_sum\{[^}]*\}) [\d.e-]+$/, '$1 N'))

async function watchOnePass(file: string): Promise<{watch: CliProcess; url: string}> {
  const watch = spawnCli(world.cli, ['monitor', 'watch', '--file', file, '--metrics', '127.0.0.1:0', '--verbose'])
  const url = await metricsUrl(watch)
  await watch.waitForLine(/^2 checks in/)
  return {watch, url}
}

async function serveWithUpdates(): Promise<{serve: CliProcess; url: string; webhook: string}> {
  setUp()
  const serve = spawnCli(world.cli, ['webhook', 'serve', '--port', '0', '--metrics', '127.0.0.1:0'], {TELEGRAM_WEBHOOK_SECRET: SECRET})
  const webhook = (await serve.waitForLine(/^listening on /)).slice('listening on '.length).trim()
  const url = await metricsUrl(serve)
  const post = (id: number | string, body: unknown, headers: Record<string, string>) =>
    fetch(`${webhook}/api/telegram/webhook/${id}/`, {method: 'POST', headers: {'content-type': 'application/json', ...headers}, body: JSON.stringify(body)}).then((response) => response.status)
  const help = {update_id: 1, message: {message_id: 1, date: 1_750_000_000, chat: {id: ON_CALL.id, type: 'private', first_name: 'Ana'}, text: '/help', entities: [{type: 'bot_command', offset: 0, length: 5}]}}
  expect(await post(1, help, HEADER)).toBe(200)
  await serve.waitForLine(/\/help in chat 4242: replied$/)
  // Telegram sends it again: answered 200, not handled twice.
  expect(await post(1, help, HEADER)).toBe(200)
  expect(await post(1, {...help, update_id: 2}, {'X-Telegram-Bot-Api-Secret-Token': 'guess'})).toBe(401)
  expect(await post(77, {...help, update_id: 3}, HEADER)).toBe(404)
  expect(await post(1, {no: 'update id'}, HEADER)).toBe(400)
  return {serve, url, webhook}
}

describe('monitor watch --metrics', () => {
  it('drops the series of a check taken out of the file it reloads', async () => {
    const file = setUp()
    writeFileSync(file, 'defaults: {failure-threshold: 1, interval: 1h}\nchecks:\n  - {name: ok, type: command, run: ["true"], interval: 1s}\n  - {name: broken, type: command, run: ["false"]}\n')
    const {watch, url} = await watchOnePass(file)
    try {
      writeFileSync(file, 'defaults: {failure-threshold: 1, interval: 1h}\nchecks:\n  - {name: ok, type: command, run: ["true"], interval: 1s}\n  - {name: fresh, type: command, run: ["true"]}\n')
      await watch.waitForLine(/^ok {5}fresh: /)
      const checkUp = ownSamples((await scrape(url)).text).filter((line) => line.startsWith('fastpay_tg_check_up'))
      expect(checkUp).toEqual(['fastpay_tg_check_up{check="ok"} 1', 'fastpay_tg_check_up{check="fresh"} 1'])
      expect((await scrape(url)).text).not.toContain('check="broken"')
    } finally {
      expect((await watch.stop()).exitCode).toBe(0)
    }
  })

  it('SIGTERM the moment it prints "metrics on" stops the watch cleanly, exit 0', async () => {
    const file = setUp()
    // Before, that line came before the signal handlers: a signal right after it ended the watch by the default action.
    for (let run = 0; run < 3; run++) {
      const stopped = await stoppedAtFirstLine(world.cli, ['monitor', 'watch', '--file', file, '--metrics', '127.0.0.1:0'])
      expect([stopped.exitCode, stopped.signal, stopped.stderr]).toEqual([0, null, ''])
      expect(stopped.stdout).toMatch(/^metrics on http:\/\/127\.0\.0\.1:\d+\/metrics\n/)
      expect(stopped.stdout).toContain('SIGTERM: stopping after the pass in flight\n')
    }
  })

  it('serves the checks, their durations and failures, the alerts and the outbox at /metrics, with process metrics', async () => {
    const {watch, url} = await watchOnePass(setUp())
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
      const {status, type, text} = await scrape(url)
      expect({status, type}).toEqual({status: 200, type: 'text/plain; version=0.0.4; charset=utf-8'})
      expect(sumsHidden(ownSamples(text))).toEqual([
        'fastpay_tg_check_up{check="ok"} 1',
        'fastpay_tg_check_up{check="broken"} 0',
        'fastpay_tg_check_duration_seconds_sum{check="ok"} N',
        'fastpay_tg_check_duration_seconds_count{check="ok"} 1',
        'fastpay_tg_check_duration_seconds_sum{check="broken"} N',
        'fastpay_tg_check_duration_seconds_count{check="broken"} 1',
        'fastpay_tg_check_failures_total{check="ok"} 0',
        'fastpay_tg_check_failures_total{check="broken"} 1',
        'fastpay_tg_alerts_total{channel="health",outcome="sent"} 1',
        'fastpay_tg_outbox_entries 0',
      ])
      expect(text).toContain('# TYPE fastpay_tg_check_duration_seconds histogram\n')
      expect(text).toContain('fastpay_tg_check_duration_seconds_bucket{le="+Inf",check="broken"} 1\n')
      expect(text).toMatch(/^process_cpu_user_seconds_total \d/m)
      expect(text).toMatch(/^process_resident_memory_bytes \d/m)
      expect(text).not.toContain('nodejs_active_handles_total')
      expect((await scrape(url.replace(/metrics$/, 'other'))).status).toBe(404)
    } finally {
      const stopped = await watch.stop()
      expect(stopped.exitCode).toBe(0)
      expect(stopped.stderr).toBe('')
    }
  })

  it('a --metrics that is no HOST:PORT: one line, exit 2, before any pass', async () => {
    expectUsageError(await world.run(['monitor', 'watch', '--file', setUp(), '--metrics', '9464']), 'Error: --metrics: expected HOST:PORT, such as 127.0.0.1:9464 or [::1]:9464 (got "9464")')
  })
})

describe('webhook serve --metrics', () => {
  it('counts updates by bot and outcome on a listener apart from the webhook port', async () => {
    const {serve, url, webhook} = await serveWithUpdates()
    try {
      expect(new URL(url).port).not.toBe(new URL(webhook).port)
      const samples = ownSamples((await scrape(url)).text)
      expect(samples.filter((line) => line.startsWith('fastpay_tg_webhook_updates_total'))).toEqual([
        'fastpay_tg_webhook_updates_total{bot="health",outcome="handled"} 1',
        'fastpay_tg_webhook_updates_total{bot="health",outcome="duplicate"} 1',
        'fastpay_tg_webhook_updates_total{bot="unknown",outcome="unauthorized"} 1',
        'fastpay_tg_webhook_updates_total{bot="unknown",outcome="not_found"} 1',
        'fastpay_tg_webhook_updates_total{bot="health",outcome="rejected"} 1',
      ])
      expect(samples).toContain('fastpay_tg_outbox_entries 0')
      // The webhook's port serves no metrics: it is the public one.
      expect((await fetch(`${webhook}/metrics`)).status).toBe(401)
    } finally {
      expect((await serve.stop()).exitCode).toBe(0)
    }
  })

  it('refuses --metrics on the webhook port itself', async () => {
    setUp()
    const result = await world.run(['webhook', 'serve', '--port', '8443', '--metrics', '127.0.0.1:8443'], {env: {TELEGRAM_WEBHOOK_SECRET: SECRET}})
    expectUsageError(result, 'Error: --metrics: port 8443 is --port: metrics need a port of their own, off the public one')
  })
})

describe('monitor run --metrics-file', () => {
  it('writes the textfile atomically (0644, no temporary file left), counters carried over from the last run', async () => {
    const file = setUp()
    const dir = join(world.cli.env.HOME!, 'textfile')
    const prom = join(dir, 'fastpay-tg.prom')
    const first = await world.run(['monitor', 'run', '--file', file, '--metrics-file', prom])
    expect(first.exitCode).toBe(0)
    expect(ownSamples(readFileSync(prom, 'utf8'))).toContain('fastpay_tg_check_failures_total{check="broken"} 1')
    const second = await world.run(['monitor', 'run', '--file', file, '--metrics-file', prom, '--check', 'ok'])
    expect(second).toEqual({exitCode: 0, stdout: '', stderr: ''})
    const text = readFileSync(prom, 'utf8')
    expect(sumsHidden(ownSamples(text))).toEqual([
      'fastpay_tg_check_up{check="ok"} 1',
      // Not run this time: its last value stays.
      'fastpay_tg_check_up{check="broken"} 0',
      'fastpay_tg_check_duration_seconds_sum{check="ok"} N',
      'fastpay_tg_check_duration_seconds_count{check="ok"} 2',
      'fastpay_tg_check_duration_seconds_sum{check="broken"} N',
      'fastpay_tg_check_duration_seconds_count{check="broken"} 1',
      'fastpay_tg_check_failures_total{check="ok"} 0',
      'fastpay_tg_check_failures_total{check="broken"} 1',
      'fastpay_tg_alerts_total{channel="health",outcome="sent"} 1',
      'fastpay_tg_outbox_entries 0',
    ])
    expect(text).toContain('fastpay_tg_check_duration_seconds_bucket{le="+Inf",check="ok"} 2\n')
    // node_exporter has process metrics of its own under the same names.
    expect(text).not.toMatch(/^process_/m)
    expect(readdirSync(dir)).toEqual(['fastpay-tg.prom'])
    expect(statSync(prom).mode & 0o777).toBe(0o644)
    if (PROMTOOL) expect(promtoolCheck(text)).toEqual({exitCode: 0, output: ''})
  })

  it('drops the series of a check taken out of the monitors file: no check_up 0 paging for it forever', async () => {
    const file = setUp()
    const prom = join(world.cli.env.HOME!, 'fastpay-tg.prom')
    expect((await world.run(['monitor', 'run', '--file', file, '--metrics-file', prom])).exitCode).toBe(0)
    writeFileSync(file, 'defaults: {failure-threshold: 1}\nchecks:\n  - {name: ok, type: command, run: ["true"]}\n')
    expect(await world.run(['monitor', 'run', '--file', file, '--metrics-file', prom])).toEqual({exitCode: 0, stdout: '', stderr: ''})
    const samples = ownSamples(readFileSync(prom, 'utf8'))
    expect(samples.filter((line) => line.includes('broken'))).toEqual([])
    expect(samples).toContain('fastpay_tg_check_up{check="ok"} 1')
    expect(samples).toContain('fastpay_tg_check_duration_seconds_count{check="ok"} 2')
  })

  it('a file that cannot be written is a warning: the pass and its alerts stand', async () => {
    const file = setUp()
    writeFileSync(join(world.cli.env.HOME!, 'not-a-dir'), '')
    const result = await world.run(['monitor', 'run', '--file', file, '--metrics-file', join(world.cli.env.HOME!, 'not-a-dir', 'x.prom')])
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toMatch(/^Warning: --metrics-file .*not-a-dir\/x\.prom: not written: /)
  })
})

describe.skipIf(!PROMTOOL)('promtool check metrics on a real scrape (skipped where promtool is missing: apt-get install prometheus)', () => {
  it('accepts a real scrape of monitor watch', async () => {
    const {watch, url} = await watchOnePass(setUp())
    try {
      expect(promtoolCheck((await scrape(url)).text)).toEqual({exitCode: 0, output: ''})
    } finally {
      await watch.stop()
    }
  })

  it('accepts a real scrape of webhook serve', async () => {
    const {serve, url} = await serveWithUpdates()
    try {
      expect(promtoolCheck((await scrape(url)).text)).toEqual({exitCode: 0, output: ''})
    } finally {
      await serve.stop()
    }
  })
})
