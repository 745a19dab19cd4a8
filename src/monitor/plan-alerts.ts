import type {AlertField} from '../alert/field.js'
import type {AlertContent} from '../alert/render-alert.js'
import {type Severity, SEVERITIES} from '../alert/severity.js'
import type {CheckResult} from './check-result.js'
import type {CheckCommon} from './check-spec.js'
import {channelKey} from '../support/channel-key.js'
import {formatDowntime, utcTime} from '../support/duration.js'
import type {AlertEvent, PendingAlert} from '../store/monitor-state.js'

/** A check that changed (or is due a reminder) in this pass. */
export interface CheckEvent {
  check: Pick<CheckCommon, 'name' | 'channel' | 'severity' | 'throttleMs' | 'reminderIntervalMs'>
  target: string
  kind: AlertEvent
  result: CheckResult
  /** Failing results in a row, this one included. */
  failures: number
  downSince: number
  downtimeMs?: number
  /** When it came back (an outage). */
  upSince?: number
  /** The earlier alert that could not be delivered, which this one retries or takes over. */
  delayed?: PendingAlert
}

/** One alert to send: a single check's, or several checks' of the same channel and kind grouped into one. */
export interface PlannedAlert {
  channel: string
  event: AlertEvent
  checks: string[]
  content: AlertContent
  throttleKey: string
  windowSeconds: number
}

const TITLES: Readonly<Record<AlertEvent, (subject: string, plural: boolean) => string>> = {
  down: (subject, plural) => `${subject} ${plural ? 'are' : 'is'} down`,
  recovered: (subject, plural) => `${subject} ${plural ? 'are' : 'is'} up again`,
  reminder: (subject, plural) => `${subject} ${plural ? 'are' : 'is'} still down`,
  outage: (subject, plural) => `${subject} ${plural ? 'were' : 'was'} down`,
}

/**
 * Turns a pass's events into alerts: one per check, except that several checks of one channel going down (or up,
 * or due a reminder) in the same pass share one alert that names them all, instead of a flood.
 */
export function planAlerts(events: readonly CheckEvent[], now: number): PlannedAlert[] {
  const groups = new Map<string, CheckEvent[]>()
  for (const event of events) {
    const key = `${channelKey(event.check.channel)}\n${event.kind}`
    groups.set(key, [...(groups.get(key) ?? []), event])
  }
  return [...groups.values()].map((group) => (group.length === 1 ? single(group[0]!, now) : grouped(group, now)))
}

function single(event: CheckEvent, now: number): PlannedAlert {
  const {check, kind, result} = event
  // A long command line says little more than its start, and may carry what should stay on the machine.
  const target = event.target.length > 200 ? `${event.target.slice(0, 199)}…` : event.target
  const fields: AlertField[] = [['check', target]]
  if (kind === 'down') {
    fields.push(['error', result.message], ['failing since', `${utcTime(event.downSince, now)} (${plural(event.failures, 'failed check')})`])
  } else if (kind === 'recovered') {
    fields.push(['down for', formatDowntime(event.downtimeMs ?? 0)], ['now', result.message])
  } else if (kind === 'outage') {
    fields.push(['down', outageSpan(event, now)], ['now', result.message])
  } else {
    fields.push(['down for', formatDowntime(event.downtimeMs ?? 0)], ['error', result.message])
  }
  if (event.delayed) fields.push(delayedField(event.delayed, kind, now))
  return {
    channel: check.channel,
    event: kind,
    checks: [check.name],
    content: {
      title: TITLES[kind](check.name, false),
      severity: severityOf(kind, check.severity),
      fields,
      ...(kind !== 'recovered' && kind !== 'outage' && result.output ? {body: result.output} : {}),
      channel: check.channel,
    },
    throttleKey: `monitor:${check.name}:${kind}`,
    windowSeconds: windowOf(event) / 1000,
  }
}

function grouped(events: CheckEvent[], now: number): PlannedAlert {
  const [{kind, check}] = events as [CheckEvent, ...CheckEvent[]]
  const names = events.map((event) => event.check.name)
  const fields: AlertField[] = events.map((event) => {
    if (kind === 'down') return [event.check.name, `${event.result.message} (since ${utcTime(event.downSince, now)})`]
    if (kind === 'outage') return [event.check.name, `down ${outageSpan(event, now)}`]
    const downFor = `down for ${formatDowntime(event.downtimeMs ?? 0)}`
    return [event.check.name, kind === 'recovered' ? downFor : `${downFor}: ${event.result.message}`]
  })
  return {
    channel: check.channel,
    event: kind,
    checks: names,
    content: {
      title: TITLES[kind](`${events.length} checks`, true),
      severity: severityOf(kind, worst(events.map((event) => event.check.severity))),
      fields,
      channel: check.channel,
    },
    throttleKey: `monitor:${kind}:${names.join(',')}`,
    windowSeconds: Math.max(...events.map(windowOf)) / 1000,
  }
}

// Up again is good news; an outage that is over but was never told is worth a look, not a page.
function severityOf(kind: AlertEvent, severity: Severity): Severity {
  if (kind === 'recovered') return 'info'
  if (kind === 'outage') return severity === 'info' ? 'info' : 'warning'
  return severity
}

function outageSpan({downSince, upSince = downSince}: {downSince: number; upSince?: number}, now: number): string {
  return `from ${utcTime(downSince, now)} to ${utcTime(upSince, now)} (${formatDowntime(upSince - downSince)})`
}

/** Says the alert is late, and why; or, for a new down alert, what the chat missed before it. */
function delayedField(delayed: PendingAlert, kind: AlertEvent, now: number): AlertField {
  const why = `could not be sent at ${utcTime(delayed.firstAt, now)}: ${delayed.reason}`
  if (kind === 'down' && delayed.event !== 'down') {
    const missed = delayed.event === 'outage' ? `down ${outageSpan(delayed, now)}` : `up again at ${utcTime(delayed.upSince ?? delayed.downSince, now)}`
    return ['before this', `${missed} (that alert ${why})`]
  }
  return ['delayed', why]
}

// Reminders are paced by their interval; a change only by the check's `throttle` (0: every change alerts).
function windowOf(event: CheckEvent): number {
  return event.kind === 'reminder' ? (event.check.reminderIntervalMs ?? 0) : event.check.throttleMs
}

function worst(severities: Severity[]): Severity {
  return severities.reduce((a, b) => (SEVERITIES.indexOf(b) > SEVERITIES.indexOf(a) ? b : a))
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}
