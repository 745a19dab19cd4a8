import {UserError} from '../user-error.js'

export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const

export type Severity = (typeof SEVERITIES)[number]

/** The icon that opens an alert, so that a glance at the chat list tells how bad it is. */
export const SEVERITY_ICONS: Readonly<Record<Severity, string>> = {
  info: 'ℹ️',
  warning: '⚠️',
  error: '❌',
  critical: '🚨',
}

/** Reads `--severity` as a user types it (any case, surrounding blanks ignored). */
export function parseSeverity(input: string, field = '--severity'): Severity {
  const severity = input.trim().toLowerCase()
  if ((SEVERITIES as readonly string[]).includes(severity)) return severity as Severity
  throw new UserError(`${field}: expected one of ${SEVERITIES.join(', ')} (got ${JSON.stringify(input)})`)
}
