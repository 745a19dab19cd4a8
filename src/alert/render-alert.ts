import {hostname} from 'node:os'

import {escapeHtml} from '../format/index.js'
import type {AlertField} from './field.js'
import {type Severity, SEVERITY_ICONS} from './severity.js'

/** What an alert says. Every string is plain text: it is escaped for HTML on the way in. */
export interface AlertContent {
  title: string
  severity: Severity
  /** Shown as `key: value` lines, in this order. @default [] */
  fields?: ReadonlyArray<AlertField>
  body?: string
  /** The channel (a bot name such as `alerts`) the alert goes to; templates can show it as `{{channel}}`. */
  channel: string
  /** The machine the alert comes from; `null` leaves it out. @default os.hostname() */
  host?: string | null
  /** When it happened, shown in ISO 8601 UTC; `null` leaves it out. @default now */
  time?: Date | null
  /** Alerts with the same throttle key that were held back since the last one went through. */
  suppressed?: {count: number; since: Date}
}

/** The pieces of an alert, each already escaped for parse mode HTML: what templates put in their placeholders. */
export interface AlertParts {
  title: string
  severity: Severity
  icon: string
  channel: string
  /** Empty when left out. */
  host: string
  /** `2025-06-01T14:02:11Z`; empty when left out. */
  time: string
  body: string
  /** `<b>key</b>: value` lines joined by newlines. */
  fields: string
  /** Escaped values by key; the last one wins when a key repeats. */
  fieldValues: ReadonlyMap<string, string>
  /** `49 similar alerts suppressed since 14:02:11 UTC`, or empty. */
  suppressed: string
}

export function alertParts(content: AlertContent): AlertParts {
  const fields = content.fields ?? []
  const time = content.time === null ? undefined : (content.time ?? new Date())
  const host = content.host === null ? '' : (content.host ?? hostname())
  return {
    title: escapeHtml(content.title),
    severity: content.severity,
    icon: SEVERITY_ICONS[content.severity],
    channel: escapeHtml(content.channel),
    host: escapeHtml(host),
    time: time ? isoSeconds(time) : '',
    body: escapeHtml((content.body ?? '').trimEnd()),
    fields: fields.map(([key, value]) => `<b>${escapeHtml(key)}</b>: ${escapeHtml(value)}`).join('\n'),
    fieldValues: new Map(fields.map(([key, value]) => [key, escapeHtml(value)])),
    suppressed: content.suppressed ? suppressedLine(content.suppressed, time ?? new Date()) : '',
  }
}

/**
 * The default layout, for parse mode HTML:
 *
 *     🚨 <b>Disk almost full</b>
 *     <b>mount</b>: /var
 *
 *     body
 *
 *     <i>49 similar alerts suppressed since 14:02:11 UTC</i>
 *     <i>web-1 · 2025-06-01T14:03:15Z</i>
 */
export function renderAlert(content: AlertContent): string {
  const parts = alertParts(content)
  const head = [`${parts.icon} <b>${parts.title}</b>`, ...(parts.fields ? [parts.fields] : [])].join('\n')
  const footer = [parts.host, parts.time].filter((part) => part !== '').join(' · ')
  const tail = [parts.suppressed, footer].filter((part) => part !== '').map((line) => `<i>${line}</i>`)
  return [head, parts.body, tail.join('\n')].filter((block) => block !== '').join('\n\n')
}

/** `49 similar alerts suppressed since 14:02:11 UTC`; the date is added when it is not the alert's own day. */
export function suppressedLine(suppressed: {count: number; since: Date}, alertTime: Date): string {
  const noun = suppressed.count === 1 ? 'alert' : 'alerts'
  const since = isoSeconds(suppressed.since)
  const sameDay = since.slice(0, 10) === isoSeconds(alertTime).slice(0, 10)
  const shown = sameDay ? since.slice(11, 19) : `${since.slice(0, 10)} ${since.slice(11, 19)}`
  return `${suppressed.count} similar ${noun} suppressed since ${shown} UTC`
}

/** ISO 8601 in UTC without milliseconds: `2025-06-01T14:02:11Z`. */
export function isoSeconds(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
