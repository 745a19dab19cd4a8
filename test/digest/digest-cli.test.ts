// `digest` through the built CLI: a recorded day in the sandbox's state dir, sent to the fake Bot API.
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {FileMonitorStore, monitorDirIn} from '../../src/store/file/file-monitor-store.js'
import {callsOf, closedApiRoot, HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'
import type {HistoryRecord} from '../../src/store/monitor-state.js'
import {recordedDayEndingAt} from './history-fixture.js'

const world = useCliWorld()

/** The recorded day, moved so that it ends now (the CLI's clock). */
async function recordDayEndingNow(): Promise<void> {
  await new FileMonitorStore({dir: monitorDirIn(world.cli.stateDir)}).appendHistory(recordedDayEndingAt(Date.now()))
  writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
}

const CHECK_LINES = [
  '⚠️ api: 97.91% up · 1 incident (30m 00s) · p50 71ms · p95 134ms · alerts 2 sent',
  expect.stringMatching(/^🔴 db: 95\.83% up · 1 incident \(55m 0\ds, ongoing\) · p50 5ms · p95 5ms · alerts 1 sent, 2 suppressed$/),
]

describe('digest', () => {
  it('sends the day as one message, and with --chart a PNG through sendPhoto', async () => {
    await recordDayEndingNow()
    const result = await world.run(['digest', '--since', '24h', '--chart'])
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    const [text, photo] = world.api.messages(ON_CALL.id)
    expect(text!.text!.split('\n')).toEqual([
      '📊 Monitor digest: last 24h',
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d → \d{4}-\d\d-\d\d \d\d:\d\d UTC · 2 checks · 288 results$/),
      '',
      ...CHECK_LINES,
      '',
      'Alerts: 3 sent, 2 suppressed',
    ])
    expect(callsOf(world.api, 'sendMessage')[0]!.params.parse_mode).toBe('HTML')
    const [upload] = callsOf(world.api, 'sendPhoto')
    expect(upload!.files.map((file) => [file.field, file.name])).toEqual([['photo', 'digest.png']])
    expect([...upload!.files[0]!.content.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
    // Multipart bodies carry line breaks as CRLF (FormData normalises them on the way out).
    expect(photo!.caption!.replaceAll('\r\n', '\n')).toBe('Uptime (top, 0-100%) and p95 latency (bottom, 0-141ms) per 30m, last 24h\n🟥 api · 🟦 db')
  })

  it('--dry-run prints the message and sends nothing; --out writes it and the chart', async () => {
    await recordDayEndingNow()
    const out = join(world.cli.env.HOME!, 'digest.html')
    const result = await world.run(['digest', '--dry-run', '--chart', '--out', out])
    expect(result.exitCode).toBe(0)
    const lines = result.stdout.split('\n')
    expect(lines.slice(0, 1)).toEqual(['📊 <b>Monitor digest</b>: last 24h'])
    expect(lines.slice(3, 5)).toEqual(['⚠️ <b>api</b>: 97.91% up · 1 incident (30m 00s) · p50 71ms · p95 134ms · alerts 2 sent', expect.stringMatching(/^🔴 <b>db<\/b>: 95\.83% up/)])
    expect(lines.at(-3)).toMatch(/^\[chart: 800x400 PNG, \d+ bytes, not sent\]$/)
    expect(world.api.requests).toEqual([])
    expect(readFileSync(out, 'utf8')).toBe(`${lines.slice(0, 7).join('\n')}\n`)
    expect(existsSync(join(world.cli.env.HOME!, 'digest.png'))).toBe(true)
  })

  it('spools the text when Telegram is unreachable, exit 75; bad --since is exit 2', async () => {
    await recordDayEndingNow()
    const down = await world.run(['digest'], {env: {TELEGRAM_API_BASE_URL: await closedApiRoot()}})
    expect(down.exitCode).toBe(75)
    expect(down.stderr).toMatch(new RegExp(`^Error: ${ON_CALL.id}: Call to 'sendMessage' failed: .*\\nWarning: the digest waits in the outbox for ${ON_CALL.id} \\(\\d{15}-\\d+-[0-9a-f]+\\)$`))
    const bad = await world.run(['digest', '--since', 'yesterday'])
    expect(bad).toEqual({exitCode: 2, stdout: '', stderr: 'Error: --since: expected a duration like 500ms, 30s, 5m, 1h or 14d (got "yesterday")'})
  })

  it('with a Redis store that does not answer: no digest of this host\'s files alone, exit 3, nothing sent', async () => {
    await recordDayEndingNow()
    const {port} = new URL(await closedApiRoot())
    const store = `redis://:s3cret-Digest@127.0.0.2:${port}/0`
    for (const args of [['digest'], ['digest', '--dry-run']]) {
      const result = await world.run(args, {env: {FASTPAY_TG_STORE: store}})
      expect([result.exitCode, result.stdout]).toEqual([3, ''])
      const masked = `redis://:\\*\\*\\*@127\\.0\\.0\\.2:${port}/0`
      // One line: not also the store's "using the file store until it is back", which the digest does not do.
      expect(result.stderr).toMatch(
        new RegExp(`^Error: the monitor history is in the store ${masked}, which does not answer \\(.+\\): no digest of this host's files alone; run again once it answers$`),
      )
      expect(result.stderr).not.toContain('s3cret-Digest')
    }
    expect(world.api.requests).toEqual([])
  })
})

describe('digest of a check down since before the period', () => {
  it('reads it as one ongoing incident (🔴), not as a check with no incident', async () => {
    const now = Date.now()
    const downSince = now - 30 * 3_600_000
    const store = new FileMonitorStore({dir: monitorDirIn(world.cli.stateDir)})
    // Its down change went into the history 30 hours ago: outside a 24h digest. Since then, one failure a minute.
    const records: HistoryRecord[] = [{type: 'change', at: downSince, check: 'db', to: 'down', since: downSince}]
    for (let at = downSince; at < now; at += 600_000) records.push({type: 'result', at, check: 'db', ok: false, ms: 2, error: 'connection refused'})
    await store.appendHistory(records)
    const last = {ok: false, at: records.at(-1)!.at, durationMs: 2, message: 'connection refused'}
    await store.writeState({version: 1, checks: {db: {status: 'down', since: downSince, failures: records.length - 1, successes: 0, streakSince: downSince, last, target: 'tcp 127.0.0.1:5432', channel: 'health'}}})
    const result = await world.run(['digest', '--since', '24h', '--dry-run'])
    expect([result.exitCode, result.stderr]).toEqual([0, ''])
    // The incident counts the period's 24 hours, as the uptime does, and says when it began: before the period.
    const began = new Date(downSince).toISOString().slice(0, 16).replace('T', ' ')
    expect(result.stdout.split('\n')[3]).toBe(`🔴 <b>db</b>: 0% up · 1 incident (1d 00h, ongoing, down since ${began} UTC: before this period)`)
    const json = JSON.parse((await world.run(['digest', '--since', '24h', '--dry-run', '--json'])).stdout) as {checks: Array<{incidents: unknown[]}>}
    expect(json.checks[0]!.incidents).toEqual([{start: downSince, startedBefore: true, durationMs: 24 * 3_600_000}])
  })
})

// A check added to the monitors file since the last pass (or one every pass skipped) has no result in the period:
// left out, a reader takes its silence for "fine". It is listed as having none, in the text and in --json.
describe('digest of a monitors file with a check that never ran', () => {
  const FILE = `checks:
  - {name: api, type: http, url: "http://127.0.0.1:9/health"}
  - {name: db, type: tcp, host: 127.0.0.1, port: 5432}
  - {name: payments, type: http, url: "\${PAYMENTS_URL}/health"}
`

  it('lists it as "no results in this period", with --file or at the default place, and in --json', async () => {
    await recordDayEndingNow()
    const file = join(world.cli.env.HOME!, 'monitors.yml')
    writeFileSync(file, FILE)
    // PAYMENTS_URL is monitor run's to have (its cron entry sets it): the digest needs the names alone.
    const result = await world.run(['digest', '--since', '24h', '--dry-run', '--file', file])
    expect([result.exitCode, result.stderr]).toEqual([0, ''])
    const lines = result.stdout.split('\n')
    expect(lines[1]).toMatch(/· 3 checks · 288 results<\/i>$/)
    expect(lines[5]).toBe('❔ <b>payments</b>: no results in this period')
    const json = await world.run(['digest', '--since', '24h', '--dry-run', '--json', '--file', file])
    const payments = (JSON.parse(json.stdout) as {checks: Array<{name: string}>}).checks.find((check) => check.name === 'payments')
    expect(payments).toEqual({name: 'payments', results: 0, passed: 0, incidents: [], alerts: {sent: 0, suppressed: 0, failed: 0}})

    // The same file where monitor run finds it by default, next to the bots registry.
    writeFileSync(join(dirname(world.cli.configPath), 'monitors.yml'), FILE)
    expect((await world.run(['digest', '--since', '24h', '--dry-run'])).stdout.split('\n')[5]).toBe('❔ <b>payments</b>: no results in this period')
  })

  it('a --file that is missing is one line naming it, exit 2, nothing sent', async () => {
    await recordDayEndingNow()
    const missing = join(world.cli.env.HOME!, 'nope.yml')
    const result = await world.run(['digest', '--since', '24h', '--file', missing])
    expect(result.exitCode).toBe(2)
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/nope\.yml: cannot read \(ENOENT\)$/)])
    expect(world.api.requests).toEqual([])
  })
})
