import type {ApplyReport, RanCheck} from './apply-results.js'
import type {OutboxFlush} from './flush-outbox.js'
import {formatSpan} from '../support/duration.js'

/**
 * What a pass prints: one line per change and per alert, nothing when nothing changed (cron mails any output).
 * `verbose` adds every check and a summary.
 *
 *     down   api: timed out after 10s
 *     alert  sent "api is down" to health (bot health)
 *     outbox delivered 1748786400000-4f2a (bot health) to -1001234567890
 */
export function passLines(report: ApplyReport & {checksMs?: number; outbox?: Pick<OutboxFlush, 'delivered'> & Partial<Pick<OutboxFlush, 'held'>>}, verbose = false): string[] {
  const lines: string[] = []
  for (const check of report.checks) {
    const label = check.change ?? (check.stale ? 'stale' : check.belowQuorum ? 'quorum' : check.ok ? 'ok' : 'fail')
    if (!verbose && check.change === undefined) continue
    const quorum = check.belowQuorum ? ` (failing on ${check.belowQuorum.failing} of ${check.belowQuorum.quorum} hosts needed)` : ''
    lines.push(`${label.padEnd(6)} ${check.name}: ${check.message}${quorum}${verbose ? ` (${check.durationMs}ms)` : ''}`)
  }
  for (const alert of report.alerts) {
    const title = alert.checks.length === 1 ? `${alert.checks[0]} ${alert.event}` : `${alert.checks.length} checks ${alert.event} (${alert.checks.join(', ')})`
    const via = alert.bot === undefined ? '' : ` (bot ${alert.bot})`
    const why = alert.error === undefined ? '' : `: ${alert.error}`
    const later = alert.pending ? ' (pending: the next pass tries again)' : ''
    lines.push(`alert  ${alert.status} ${title} to ${alert.channel}${via}${why}${later}`)
  }
  for (const entry of report.outbox?.delivered ?? []) lines.push(`outbox delivered ${entry.id} (bot ${entry.bot}) to ${entry.chats.join(', ')}`)
  if (verbose) {
    for (const {bot, reason} of report.outbox?.held ?? []) lines.push(`outbox waiting (bot ${bot}): ${reason}`)
    const down = report.checks.filter((check) => check.status === 'down').length
    const took = report.checksMs === undefined ? '' : ` in ${formatSpan(report.checksMs)}`
    lines.push(`${report.checks.length} check${report.checks.length === 1 ? '' : 's'}${took}: ${report.checks.length - down} not down, ${down} down`)
  }
  return lines
}

/**
 * What `monitor run --dry-run` prints: every check's finding and a summary that says nothing else happened.
 *
 *     ok     api: 200 OK (12ms)
 *     fail   db: connect ECONNREFUSED 127.0.0.1:5432 (3ms)
 *     2 checks in 15ms: 1 passing, 1 failing (dry run: no state changed, no alert sent, nothing recorded)
 */
export function dryRunLines(checked: readonly RanCheck[], checksMs: number): string[] {
  const lines = checked.map(({check, result}) => `${(result.ok ? 'ok' : 'fail').padEnd(6)} ${check.name}: ${result.message} (${result.durationMs}ms)`)
  const failing = checked.filter(({result}) => !result.ok).length
  const count = `${checked.length} check${checked.length === 1 ? '' : 's'}`
  lines.push(`${count} in ${formatSpan(checksMs)}: ${checked.length - failing} passing, ${failing} failing (dry run: no state changed, no alert sent, nothing recorded)`)
  return lines
}
