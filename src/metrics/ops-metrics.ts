// The Prometheus metrics of a monitor or webhook process, through prom-client. Doors import this folder only when
// --metrics or --metrics-file is given: prom-client stays off every other command's start-up path.
import {collectDefaultMetrics, Counter, Gauge, Histogram, Registry} from 'prom-client'

import type {AlertOutcome} from '../monitor/alert-sender.js'
import type {CheckReport} from '../monitor/apply-results.js'
import {channelKey} from '../support/channel-key.js'
import type {WebhookOutcome} from '../webhook/webhook-server.js'

/** How `fastpay_tg_alerts_total` counts an alert: refused by Telegram, or not attempted at all, is `failed`. */
export type AlertMetricOutcome = 'sent' | 'suppressed' | 'spooled' | 'failed'

// The bot label of a request that names no served bot (wrong secret, unknown path) is `unknown`, so that nobody can
// make up series by knocking on made-up paths.
export type {WebhookOutcome as WebhookUpdateOutcome} from '../webhook/webhook-server.js'

/** Seconds; checks time out at 10 s by default and at most minutes, so the buckets reach 60 s. */
export const CHECK_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

const NON_COUNTERS_NAMED_TOTAL = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']

export interface OpsMetricsOptions {
  /** Adds Node's process metrics (`process_cpu_seconds_total`, …). Off for a textfile, where node_exporter has its own. */
  processMetrics: boolean
  /** Entries waiting in the outbox, asked at every scrape (undefined: no answer yet). @default the gauge stays unset */
  countOutbox?: () => Promise<number | undefined>
}

export interface OpsMetrics {
  registry: Registry
  /** One pass (or `monitor exec`): each check's latest result, and what became of its alerts. */
  recordPass(report: {checks: readonly CheckReport[]; alerts: readonly AlertOutcome[]}): void
  /**
   * Drops the series of checks not named here (taken out of the monitors file, renamed): a gauge left at 0 would
   * page `fastpay_tg_check_up == 0` for a check that no longer exists, for as long as the process runs.
   */
  keepChecks(names: Iterable<string>): void
  recordWebhookUpdate(bot: string, outcome: WebhookOutcome): void
  /** The text format, for a scrape or a textfile. */
  text(): Promise<string>
}

export function alertMetricOutcome(outcome: Pick<AlertOutcome, 'status'>): AlertMetricOutcome {
  return outcome.status === 'refused' ? 'failed' : outcome.status
}

/** A registry of its own (never prom-client's global one), so that tests and two servers in one process never mix. */
export function createOpsMetrics(options: OpsMetricsOptions): OpsMetrics {
  const registry = new Registry()
  const registers = [registry]
  const checkUp = new Gauge({
    name: 'fastpay_tg_check_up',
    help: 'Whether the latest result of the check passed (1) or failed (0), as this host saw it.',
    labelNames: ['check'],
    registers,
    // A textfile carries over the previous run's series: this run's value comes first and wins (see metrics-file.ts).
    aggregator: 'first',
  })
  const duration = new Histogram({
    name: 'fastpay_tg_check_duration_seconds',
    help: 'How long each check run took, in seconds.',
    labelNames: ['check'],
    buckets: CHECK_DURATION_BUCKETS,
    registers,
  })
  const failures = new Counter({name: 'fastpay_tg_check_failures_total', help: 'Check runs that failed.', labelNames: ['check'], registers})
  const alerts = new Counter({
    name: 'fastpay_tg_alerts_total',
    help: 'Monitor alerts by channel and outcome: sent, suppressed (throttle or mute), spooled (in the outbox), failed.',
    labelNames: ['channel', 'outcome'],
    registers,
  })
  const countOutbox = options.countOutbox
  new Gauge({
    name: 'fastpay_tg_outbox_entries',
    help: 'Messages waiting in the outbox for Telegram to accept them.',
    registers,
    aggregator: 'first',
    ...(countOutbox
      ? {
          async collect() {
            // A listing that fails keeps the last value: one bad read must not fail the whole scrape.
            const entries = await countOutbox().catch(() => undefined)
            if (entries !== undefined) this.set(entries)
          },
        }
      : {}),
  })
  const updates = new Counter({
    name: 'fastpay_tg_webhook_updates_total',
    help: 'Webhook requests by bot and outcome: handled, failed, duplicate, rejected, unauthorized, not_found.',
    labelNames: ['bot', 'outcome'],
    registers,
  })
  if (options.processMetrics) {
    collectDefaultMetrics({register: registry})
    // Gauges named like counters: `promtool check metrics` refuses them, and the per-type gauges beside them
    // (nodejs_active_handles{type}, …) say the same.
    for (const name of NON_COUNTERS_NAMED_TOTAL) registry.removeSingleMetric(name)
  }
  const recorded = new Set<string>()
  return {
    registry,
    recordPass(report) {
      for (const check of report.checks) {
        const labels = {check: check.name}
        recorded.add(check.name)
        checkUp.set(labels, check.ok ? 1 : 0)
        duration.observe(labels, check.durationMs / 1000)
        // Zero is a value too: a check that never failed still has a series to graph and alert on.
        failures.inc(labels, check.ok ? 0 : 1)
      }
      for (const alert of report.alerts) alerts.inc({channel: channelKey(alert.channel), outcome: alertMetricOutcome(alert)})
    },
    keepChecks(names) {
      const kept = new Set(names)
      for (const name of [...recorded].filter((name) => !kept.has(name))) {
        for (const metric of [checkUp, duration, failures]) metric.remove({check: name})
        recorded.delete(name)
      }
    },
    recordWebhookUpdate(bot, outcome) {
      updates.inc({bot, outcome})
    },
    text: () => registry.metrics(),
  }
}
