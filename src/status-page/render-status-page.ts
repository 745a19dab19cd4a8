// The status page as HTML: a summary line, the checks (a semantic table that turns into cards on a phone),
// incidents, the last pass and the fleet's hosts. Every colour has its words next to it.
import {dayBar, dayLegend, formatPercent, sparkline} from '../html-page/graphics.js'
import {type Html, html, MARK, renderPage} from '../html-page/page.js'
import {forgettable} from '../monitor/status.js'
import {formatDowntime, formatSpan} from '../support/duration.js'
import type {PageCheck, PageIncident, StatusPageData} from './status-data.js'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const dayLabel = (day: number) => `${MONTHS[new Date(day).getUTCMonth()]} ${new Date(day).getUTCDate()}`

/** `2025-06-01 14:02 UTC` in a <time> element. */
export function timeTag(at: number): Html {
  const iso = new Date(at).toISOString()
  return html`<time datetime="${iso}">${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC</time>`
}

const STATE_TEXT = {up: '✔ Up', down: '✖ Down', unknown: '? Unknown', pending: '… Not run yet'} as const

export interface StatusPageOptions {
  /** @default 'Status' */
  title?: string
}

export function renderStatusPage(data: StatusPageData, options: StatusPageOptions = {}): string {
  const title = options.title ?? 'Status'
  const down = data.checks.filter((check) => check.status === 'down')
  const total = data.checks.length
  const summary =
    total === 0
      ? html`<p class="summary">No checks yet: run <code>fastpay-tg monitor run</code>.</p>`
      : down.length === 0
        ? html`<p class="summary ok">${MARK.ok} All ${total} check${total === 1 ? ' is' : 's are'} up or waiting for a result.</p>`
        : html`<p class="summary bad">${MARK.down} ${down.length} of ${total} check${total === 1 ? '' : 's'} ${down.length === 1 ? 'is' : 'are'} down: ${down.map((check) => check.name).join(', ')}.</p>`
  const body = html`<header>
<h1>${title}</h1>
${summary}
<p class="muted">Updated ${timeTag(data.generatedAt)}.${lastPassText(data)}</p>
</header>
<section aria-labelledby="checks-title">
<h2 id="checks-title">Checks</h2>
<table class="cards">
<caption class="sr">Every check: its state, since when, uptime over 24 hours, 7 and 30 days with one cell per day, and its latency over the last 24 hours.</caption>
<thead><tr><th scope="col">Check</th><th scope="col">State</th><th scope="col">Since</th><th scope="col">Uptime</th><th scope="col">Latency, 24 h</th></tr></thead>
<tbody>
${data.checks.map((check) => checkRow(check, data.generatedAt))}
</tbody>
</table>
${dayLegend()}
</section>
${incidentsSection(data)}
${hostsSection(data)}`
  return renderPage({title, body, description: down.length === 0 ? `${title}: all checks up` : `${title}: ${down.length} down`})
}

function lastPassText(data: StatusPageData): Html | string {
  const pass = data.lastPass
  if (pass === undefined) return ' No full pass yet.'
  const downText = pass.down.length === 0 ? 'none down' : `${pass.down.length} down`
  return html` Last pass ${timeTag(pass.at)} on ${pass.host}: ${pass.checks} check${pass.checks === 1 ? '' : 's'} in ${formatSpan(pass.durationMs)}, ${downText}.`
}

function checkRow(check: PageCheck, now: number): Html {
  const uptime = (label: string, percent: number | undefined) => html`<span>${label} <b>${percent === undefined ? 'no data' : formatPercent(percent)}</b></span>`
  const latency = check.p50Ms === undefined ? 'no passing result in 24 h' : `median ${formatSpan(check.p50Ms)} over 24 h`
  return html`<tr id="check-${check.name}">
<th scope="row">${check.name}${check.target ? html`<br><small class="muted">${check.target}</small>` : ''}${check.configured ? '' : html`<br><small class="muted">not in the monitors file${forgettable(check) ? html`: <code>fastpay-tg monitor forget ${check.name}</code> removes it` : ''}</small>`}</th>
<td data-label="State"><span class="state ${check.status}">${STATE_TEXT[check.status]}</span>${check.status === 'down' && check.message ? html`<br><small>${check.message}</small>` : ''}${check.alertPending ? html`<br><small>alert pending: ${check.alertPending}</small>` : ''}</td>
<td data-label="Since">${check.since === undefined ? '–' : html`${timeTag(check.since)}<br><small class="muted">for ${formatDowntime(Math.max(0, now - check.since))}</small>`}</td>
<td data-label="Uptime">${uptime('24 h', check.uptime.day)} ${MARK.dot} ${uptime('7 d', check.uptime.week)} ${MARK.dot} ${uptime('30 d', check.uptime.month)}
${dayBar(
  check.days.map((day) => ({label: dayLabel(day.day), ...(day.uptimePercent === undefined ? {} : {uptimePercent: day.uptimePercent})})),
  `${check.name}: uptime per day, the last ${check.days.length} days`,
)}</td>
<td data-label="Latency, 24 h">${sparkline(check.latencyByHour, latency)}</td>
</tr>
`
}

function incidentsSection(data: StatusPageData): Html {
  const open = data.open.length === 0 ? html`<p>No open incident.</p>` : incidentTable(data.open, data.generatedAt, 'Open incidents')
  const recent = data.recent.length === 0 ? html`<p>None in the last 30 days.</p>` : incidentTable(data.recent, data.generatedAt, 'Recent incidents')
  return html`<section aria-labelledby="incidents-title">
<h2 id="incidents-title">Incidents</h2>
<h3>Open</h3>
${open}
<h3>Recent</h3>
${recent}
</section>`
}

function incidentTable(incidents: readonly PageIncident[], now: number, caption: string): Html {
  return html`<table class="cards">
<caption class="sr">${caption}</caption>
<thead><tr><th scope="col">Check</th><th scope="col">Down since</th><th scope="col">Back up</th><th scope="col">Lasted</th></tr></thead>
<tbody>
${incidents.map(
  (incident) => html`<tr><th scope="row">${incident.check}${incident.message ? html`<br><small>${incident.message}</small>` : ''}</th>
<td data-label="Down since">${timeTag(incident.start)}</td>
<td data-label="Back up">${incident.end === undefined ? html`<span class="state down">${MARK.down} still down</span>` : timeTag(incident.end)}</td>
<td data-label="Lasted">${formatDowntime(Math.max(0, (incident.end ?? now) - incident.start))}${incident.end === undefined ? ' so far' : ''}</td></tr>
`,
)}
</tbody>
</table>`
}

function hostsSection(data: StatusPageData): Html | string {
  if (data.hosts.length === 0) return ''
  return html`<section aria-labelledby="hosts-title">
<h2 id="hosts-title">Hosts</h2>
<table class="cards">
<caption class="sr">Each host of the fleet and what its last pass saw</caption>
<thead><tr><th scope="col">Host</th><th scope="col">Last pass</th><th scope="col">Failing there</th></tr></thead>
<tbody>
${data.hosts.map((view) => {
  const failing = Object.entries(view.checks).filter(([, seen]) => !seen.ok)
  return html`<tr><th scope="row">${view.host}</th><td data-label="Last pass">${timeTag(view.at)}</td><td data-label="Failing there">${
    failing.length === 0 ? '✔ none' : failing.map(([name, seen]) => html`<span>${MARK.down} ${name}: ${seen.message}</span><br>`)
  }</td></tr>
`
})}
</tbody>
</table>
</section>`
}
