import {inflateSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'

import {buildDigest, chartSeries, computeDigest, crc32, LAYOUT, PALETTE, pointIn, renderChart, renderDigest, renderDigestPage} from '../../src/digest/index.js'
import {FileMonitorStore} from '../../src/store/file/file-monitor-store.js'
import {tempDir} from '../throttle/helpers.js'
import {FROM, NOW, recordedDay, slot} from './history-fixture.js'

describe('digest over a recorded day', () => {
  it('computes uptime, incidents, p50/p95 and alert counts exactly', () => {
    const digest = computeDigest(recordedDay(), FROM, NOW)
    expect(digest.results).toBe(288)
    expect(digest.alerts).toEqual({sent: 3, suppressed: 2, failed: 0})
    expect(digest.checks).toEqual([
      {
        name: 'api',
        results: 144,
        passed: 141,
        uptimePercent: 97.91,
        incidents: [{start: slot(10), end: slot(13), durationMs: 30 * 60_000}],
        p50Ms: 71,
        p95Ms: 134,
        alerts: {sent: 2, suppressed: 0, failed: 0},
      },
      {
        name: 'db',
        results: 144,
        passed: 138,
        uptimePercent: 95.83,
        incidents: [{start: slot(138), durationMs: 55 * 60_000}],
        p50Ms: 5,
        p95Ms: 5,
        alerts: {sent: 1, suppressed: 2, failed: 0},
      },
    ])
  })

  it('counts an incident begun before the period only within it, as the uptime does, and marks it', () => {
    // api went down 2 hours before the period and came back at slot 2 (25 minutes in): 25 minutes of this period.
    const records = recordedDay().filter((record) => record.type !== 'change' || record.check !== 'api')
    records.push({type: 'change', at: slot(2), check: 'api', to: 'up', since: slot(2), downSince: FROM - 2 * 3_600_000})
    const api = computeDigest(records, FROM, NOW).checks[0]!
    expect(api.incidents).toEqual([{start: FROM - 2 * 3_600_000, startedBefore: true, end: slot(2), durationMs: 25 * 60_000}])
    expect(renderDigest(computeDigest(records, FROM, NOW))).toContain(
      '⚠️ <b>api</b>: 97.91% up · 1 incident (25m 00s, down since 2025-05-31 12:00 UTC: before this period) ·',
    )
    // The page's incident row says the same: when it began, that this was before the period, and the part in it.
    const page = renderDigestPage(computeDigest(records, FROM, NOW))
    const row = page.slice(page.indexOf('<tr><th scope="row">api</th>'))
    expect(row).toMatch(/^<tr><th scope="row">api<\/th><td data-label="Down since"><time [^>]+>2025-05-31 12:00 UTC<\/time> \(before this period\)<\/td>/)
    expect(row).toContain('<td data-label="Lasted">25m 00s in this period</td>')
  })

  it('comes out the same whatever order the records are read in (digest streams them as stored)', () => {
    const ordered = recordedDay()
    // A fixed shuffle: newest first, then every other record moved to the end.
    const reversed = [...ordered].reverse()
    const shuffled = [...reversed.filter((_, index) => index % 2 === 0), ...reversed.filter((_, index) => index % 2 === 1)]
    expect(computeDigest(shuffled, FROM, NOW)).toEqual(computeDigest(ordered, FROM, NOW))
    expect(chartSeries(shuffled, FROM, NOW, 48)).toEqual(chartSeries(ordered, FROM, NOW, 48))
  })

  it('reads the history from the store and renders one message', async () => {
    const store = new FileMonitorStore({dir: tempDir('fastpay-tg-digest-')})
    // Written in two batches, across the period's two UTC days, as passes would.
    const records = recordedDay()
    await store.appendHistory(records.slice(0, 100))
    await store.appendHistory(records.slice(100))
    const built = await buildDigest({store, sinceMs: 24 * 3_600_000, now: NOW})
    expect(built.warnings).toEqual([])
    expect(built.text).toBe(
      [
        '📊 <b>Monitor digest</b>: last 24h',
        '<i>2025-05-31 14:00 → 2025-06-01 14:00 UTC · 2 checks · 288 results</i>',
        '',
        '⚠️ <b>api</b>: 97.91% up · 1 incident (30m 00s) · p50 71ms · p95 134ms · alerts 2 sent',
        '🔴 <b>db</b>: 95.83% up · 1 incident (55m 00s, ongoing) · p50 5ms · p95 5ms · alerts 1 sent, 2 suppressed',
        '',
        'Alerts: 3 sent, 2 suppressed',
      ].join('\n'),
    )
  })

  it('lists a check of the monitors file without a result as such, not as 100% up, on the page too', async () => {
    const store = new FileMonitorStore({dir: tempDir('fastpay-tg-digest-')})
    await store.appendHistory(recordedDay())
    const built = await buildDigest({store, sinceMs: 24 * 3_600_000, now: NOW, monitored: ['api', 'db', 'payments']})
    expect(built.digest.checks.map((check) => [check.name, check.results, check.uptimePercent])).toEqual([
      ['api', 144, 97.91],
      ['db', 144, 95.83],
      ['payments', 0, undefined],
    ])
    expect(built.text.split('\n')[5]).toBe('❔ <b>payments</b>: no results in this period')
    const page = renderDigestPage(built.digest)
    const row = page.slice(page.indexOf('<tr id="check-payments">'))
    expect(row).toContain('<td data-label="Result"><span class="state unknown">? No results</span></td>')
    expect(row).toContain('<td data-label="Uptime">no results in this period</td>')
  })

  it('says so when there is no history in the period', async () => {
    const built = await buildDigest({store: new FileMonitorStore({dir: tempDir('fastpay-tg-digest-')}), sinceMs: 3_600_000, now: NOW})
    expect(built.text).toBe('📊 <b>Monitor digest</b>: last 1h\n\nNo monitor results in this period: is <code>fastpay-tg monitor run</code> scheduled?')
  })

  it('skips a history line cut short by a killed process, and says how many', async () => {
    const dir = tempDir('fastpay-tg-digest-')
    const store = new FileMonitorStore({dir})
    await store.appendHistory([{type: 'result', at: NOW - 1000, check: 'api', ok: true, ms: 3}])
    const {appendFileSync} = await import('node:fs')
    appendFileSync(`${dir}/history/2025-06-01.jsonl`, '{"type":"result","at":17487')
    const built = await buildDigest({store, sinceMs: 3_600_000, now: NOW})
    expect(built.digest.results).toBe(1)
    expect(built.warnings).toEqual([`1 unreadable line in ${dir}/history/2025-06-01.jsonl skipped`])
  })
})

describe('digest chart', () => {
  it('is a valid PNG with one coloured line per check, the caption as its legend', () => {
    const series = chartSeries(recordedDay(), FROM, NOW, 48)
    expect(series.map((check) => check.name)).toEqual(['api', 'db'])
    expect(series[1]!.uptime.slice(-3)).toEqual([100, 0, 0])
    const chart = renderChart(series, 24 * 3_600_000)
    expect(chart.caption).toBe('Uptime (top, 0-100%) and p95 latency (bottom, 0-141ms) per 30m, last 24h\n🟥 api · 🟦 db')

    const png = decodePng(chart.png)
    expect([png.width, png.height]).toEqual([800, 400])
    const margin = LAYOUT.margin
    const panelHeight = (LAYOUT.height - 2 * margin - LAYOUT.gap) / 2
    const top = {x: margin, y: margin, width: LAYOUT.width - 2 * margin, height: panelHeight}
    // db's last bucket (0% up) is blue at the panel's floor; api's 4th bucket (slots 9-11, one of three passing), red.
    const [dbX, dbY] = pointIn(top, 47, 48, 0).map(Math.round)
    expect(png.pixel(dbX!, dbY!)).toEqual(PALETTE[1]!.color)
    expect(series[0]!.uptime[3]).toBeCloseTo(100 / 3)
    const [apiX, apiY] = pointIn(top, 3, 48, 1 / 3).map(Math.round)
    expect(png.pixel(apiX!, apiY!)).toEqual(PALETTE[0]!.color)
    expect(png.pixel(1, 1)).toEqual([255, 255, 255])
  })
})

/** Reads back what encodePng writes: checks every chunk's CRC, inflates the rows, undoes filter 0. */
function decodePng(data: Buffer) {
  expect([...data.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  let offset = 8
  let width = 0
  let height = 0
  const idat: Buffer[] = []
  while (offset < data.length) {
    const length = data.readUInt32BE(offset)
    const type = data.toString('latin1', offset + 4, offset + 8)
    const body = data.subarray(offset + 8, offset + 8 + length)
    expect(data.readUInt32BE(offset + 8 + length)).toBe(crc32(data.subarray(offset + 4, offset + 8 + length)))
    if (type === 'IHDR') {
      width = body.readUInt32BE(0)
      height = body.readUInt32BE(4)
      expect([...body.subarray(8)]).toEqual([8, 2, 0, 0, 0])
    }
    if (type === 'IDAT') idat.push(body)
    offset += 12 + length
  }
  const rows = inflateSync(Buffer.concat(idat))
  expect(rows.length).toBe(height * (width * 3 + 1))
  return {
    width,
    height,
    pixel(x: number, y: number) {
      const at = y * (width * 3 + 1) + 1 + x * 3
      expect(rows[y * (width * 3 + 1)]).toBe(0)
      return [rows[at], rows[at + 1], rows[at + 2]]
    },
  }
}
