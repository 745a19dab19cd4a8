// Reading back the textfile that `monitor run --metrics-file` wrote: what carries counters from one run to the next.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {createOpsMetrics} from '../../src/metrics/ops-metrics.js'
import {parseMetricsText, writeMetricsFile} from '../../src/metrics/metrics-file.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
})

const check = (name: string, ok: boolean, durationMs: number) => ({name, ok, status: ok ? ('up' as const) : ('down' as const), message: '', durationMs, startedAt: 0})

describe('parseMetricsText', () => {
  it('reads our own counters, gauges and histograms back, escaped label values included, and drops anything else', () => {
    const text = [
      '# HELP fastpay_tg_alerts_total Alerts.',
      '# TYPE fastpay_tg_alerts_total counter',
      'fastpay_tg_alerts_total{channel="a \\"quoted\\" \\\\ name",outcome="sent"} 3',
      '# TYPE other_total counter',
      'other_total 9',
      '# TYPE fastpay_tg_check_duration_seconds histogram',
      'fastpay_tg_check_duration_seconds_bucket{le="+Inf",check="api"} 2',
      'fastpay_tg_check_duration_seconds_sum{check="api"} 0.5',
      'not a sample line',
    ].join('\n')
    expect(parseMetricsText(text)).toEqual([
      {name: 'fastpay_tg_alerts_total', help: 'Alerts.', type: 'counter', aggregator: 'sum', values: [{value: 3, labels: {channel: 'a "quoted" \\ name', outcome: 'sent'}}]},
      {
        name: 'fastpay_tg_check_duration_seconds',
        help: '',
        type: 'histogram',
        aggregator: 'sum',
        values: [
          {value: 2, labels: {le: '+Inf', check: 'api'}, metricName: 'fastpay_tg_check_duration_seconds_bucket'},
          {value: 0.5, labels: {check: 'api'}, metricName: 'fastpay_tg_check_duration_seconds_sum'},
        ],
      },
    ])
  })
})

describe('writeMetricsFile', () => {
  it('adds this run to the last one: counters and histograms sum, gauges take the newer value; OPS is channel ops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fastpay-tg-metrics-'))
    dirs.push(dir)
    const path = join(dir, 'x.prom')
    for (const [ok, ms] of [[false, 40], [true, 2000]] as const) {
      const metrics = createOpsMetrics({processMetrics: false, countOutbox: async () => (ok ? 0 : 4)})
      metrics.recordPass({checks: [check('api', ok, ms)], alerts: [{channel: ok ? 'ops' : 'OPS', event: 'down', checks: ['api'], status: 'refused', exitCode: 1, delivered: 0, warnings: []}]})
      await writeMetricsFile(path, metrics)
    }
    const lines = readFileSync(path, 'utf8').split('\n')
    expect(lines.filter((line) => /^fastpay_tg_(check_up|check_failures|alerts|outbox)|duration_seconds_(sum|count)|le="(0\.05|2\.5)"/.test(line))).toEqual([
      'fastpay_tg_check_up{check="api"} 1',
      'fastpay_tg_check_duration_seconds_bucket{le="0.05",check="api"} 1',
      'fastpay_tg_check_duration_seconds_bucket{le="2.5",check="api"} 2',
      'fastpay_tg_check_duration_seconds_sum{check="api"} 2.04',
      'fastpay_tg_check_duration_seconds_count{check="api"} 2',
      'fastpay_tg_check_failures_total{check="api"} 1',
      'fastpay_tg_alerts_total{channel="ops",outcome="failed"} 2',
      'fastpay_tg_outbox_entries 0',
    ])
  })
})
