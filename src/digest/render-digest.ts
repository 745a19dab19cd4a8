import {escapeHtml} from '../format/index.js'
import {formatDowntime, formatSpan} from '../support/duration.js'
import type {AlertCounts, CheckDigest, Digest, Incident} from './compute-digest.js'

/** Incident durations listed per check; the rest are counted. */
const LISTED_INCIDENTS = 5

/**
 * The digest as one message in parse mode HTML (long ones are split on line boundaries when sent):
 *
 *     📊 <b>Monitor digest</b>: last 24h
 *     <i>2025-06-01 14:00 → 2025-06-02 14:00 UTC · 3 checks · 4,320 results</i>
 *
 *     ✅ <b>api</b>: 100% up · p50 120ms · p95 480ms
 *     ⚠️ <b>db</b>: 97.91% up · 2 incidents (10m 00s, 20m 00s) · p50 3ms · p95 8ms · alerts 2 sent
 *     🔴 <b>queue</b>: 50% up · 1 incident (12h 00m, ongoing) · alerts 1 sent, 3 suppressed
 *
 *     Alerts: 3 sent, 3 suppressed
 */
export function renderDigest(digest: Digest): string {
  const period = `last ${periodLabel(digest.to - digest.from)}`
  const head = `📊 <b>Monitor digest</b>: ${period}`
  if (digest.checks.length === 0) return `${head}\n\nNo monitor results in this period: is <code>fastpay-tg monitor run</code> scheduled?`
  const checks = `${digest.checks.length} check${digest.checks.length === 1 ? '' : 's'}`
  const results = `${digest.results.toLocaleString('en-US')} result${digest.results === 1 ? '' : 's'}`
  const span = `${utcMinute(digest.from)} → ${utcMinute(digest.to)} UTC`
  const lines = digest.checks.map(checkLine)
  return [`${head}\n<i>${span} · ${checks} · ${results}</i>`, lines.join('\n'), `Alerts: ${alertsText(digest.alerts) || 'none'}`].join('\n\n')
}

function checkLine(check: CheckDigest): string {
  const ongoing = check.incidents.some((incident) => incident.end === undefined)
  // No result: a check added since the last pass, or one every pass skipped; not a check that was fine.
  const icon = ongoing ? '🔴' : check.uptimePercent === undefined ? '❔' : check.incidents.length > 0 || check.passed < check.results ? '⚠️' : '✅'
  const parts = [check.uptimePercent === undefined ? 'no results in this period' : `${formatPercent(check.uptimePercent)} up`]
  if (check.incidents.length > 0) {
    const shown = check.incidents.slice(0, LISTED_INCIDENTS).map(incidentText)
    const more = check.incidents.length > LISTED_INCIDENTS ? `, +${check.incidents.length - LISTED_INCIDENTS} more` : ''
    parts.push(`${check.incidents.length} incident${check.incidents.length === 1 ? '' : 's'} (${shown.join(', ')}${more})`)
  }
  if (check.p50Ms !== undefined) parts.push(`p50 ${check.p50Ms}ms`, `p95 ${check.p95Ms}ms`)
  const alerts = alertsText(check.alerts)
  if (alerts !== '') parts.push(`alerts ${alerts}`)
  return `${icon} <b>${escapeHtml(check.name)}</b>: ${parts.join(' · ')}`
}

/**
 * `30m 00s`, `55m 00s, ongoing`; one begun before the period counts only its part in it, as the uptime does, and says
 * when it began: `1d 00h, ongoing, down since 2025-05-30 08:00 UTC: before this period`.
 */
function incidentText(incident: Incident): string {
  const state = incident.end === undefined ? ', ongoing' : incident.forgotten ? ', forgotten' : ''
  const before = incident.startedBefore ? `, down since ${utcMinute(incident.start)} UTC: before this period` : ''
  return `${formatDowntime(incident.durationMs)}${state}${before}`
}

function alertsText(counts: AlertCounts): string {
  const parts = [`${counts.sent} sent`]
  if (counts.suppressed > 0) parts.push(`${counts.suppressed} suppressed`)
  if (counts.failed > 0) parts.push(`${counts.failed} failed`)
  return counts.sent + counts.suppressed + counts.failed === 0 ? '' : parts.join(', ')
}

/** `24h` and `48h` rather than `1d` and `2d`: how people ask for a daily report. */
export function periodLabel(ms: number): string {
  return ms % 3_600_000 === 0 && ms <= 48 * 3_600_000 ? `${ms / 3_600_000}h` : formatSpan(ms)
}

/** `100%`, `99.31%`, `97.5%`. */
export function formatPercent(percent: number): string {
  return `${Number.isInteger(percent) ? percent : Number(percent.toFixed(2))}%`
}

function utcMinute(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')
}
