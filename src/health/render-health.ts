import type {HealthReport} from './health-item.js'

/**
 *     health: 1 failure, 1 warning
 *     STATUS  CHECK          DETAIL
 *     ok      config         configured: alerts, health (registry ~/.config/fastpay-tg/config.yml)
 *     FAIL    chat alerts 42 Call to 'getChat' failed (400: Bad Request: chat not found)
 */
export function healthTable(report: HealthReport): string[] {
  const failures = report.items.filter((entry) => entry.status === 'fail').length
  const warnings = report.items.filter((entry) => entry.status === 'warn').length
  const counts = [failures > 0 ? `${failures} failure${failures === 1 ? '' : 's'}` : '', warnings > 0 ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '']
  const summary = counts.filter((part) => part !== '').join(', ') || 'all ok'
  const rows = report.items.map((entry) => [entry.status === 'fail' ? 'FAIL' : entry.status, entry.check, entry.detail])
  const header = ['STATUS', 'CHECK', 'DETAIL']
  const widths = [0, 1].map((column) => Math.max(header[column]!.length, ...rows.map((row) => row[column]!.length)))
  const line = (cells: string[]) => `${cells[0]!.padEnd(widths[0]!)}  ${cells[1]!.padEnd(widths[1]!)}  ${cells[2]}`.trimEnd()
  return [`health: ${summary}`, line(header), ...rows.map(line)]
}
