// `digest --html FILE`: the digest as a page of the same kind as the status page (src/html-page): self-contained,
// no script, the PNG chart inline as a data: URI, a semantic table that turns into cards on a phone.
import {type Html, html, MARK, renderPage} from '../html-page/page.js'
import {formatDowntime} from '../support/duration.js'
import {writeFileAtomic} from '../support/atomic-write.js'
import type {Chart} from './chart.js'
import type {AlertCounts, CheckDigest, Digest} from './compute-digest.js'
import {formatPercent, periodLabel} from './render-digest.js'

const utcMinute = (at: number) => `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`
const timeTag = (at: number) => html`<time datetime="${new Date(at).toISOString()}">${utcMinute(at)}</time>`

function verdict(check: CheckDigest): Html {
  if (check.incidents.some((incident) => incident.end === undefined)) return html`<span class="state down">${MARK.down} Down now</span>`
  if (check.uptimePercent === undefined) return html`<span class="state unknown">? No results</span>`
  if (check.incidents.length > 0 || check.passed < check.results) return html`<span class="state unknown">${MARK.warning} Had failures</span>`
  return html`<span class="state up">${MARK.ok} All passed</span>`
}

const alertsText = (counts: AlertCounts) =>
  counts.sent + counts.suppressed + counts.failed === 0 ? 'none' : `${counts.sent} sent, ${counts.suppressed} suppressed, ${counts.failed} failed`

export function renderDigestPage(digest: Digest, chart?: Chart): string {
  const title = `Monitor digest: last ${periodLabel(digest.to - digest.from)}`
  const incidents = digest.checks.flatMap((check) => check.incidents.map((incident) => ({check: check.name, ...incident}))).sort((a, b) => b.start - a.start)
  const body = html`<header>
<h1>${title}</h1>
<p class="muted">${timeTag(digest.from)} to ${timeTag(digest.to)} ${MARK.dot} ${digest.checks.length} check${digest.checks.length === 1 ? '' : 's'} ${MARK.dot} ${digest.results.toLocaleString('en-US')} results ${MARK.dot} alerts: ${alertsText(digest.alerts)}</p>
</header>
<section aria-labelledby="checks-title">
<h2 id="checks-title">Checks</h2>
${
  digest.checks.length === 0
    ? html`<p>No monitor results in this period: is <code>fastpay-tg monitor run</code> scheduled?</p>`
    : html`<table class="cards">
<caption class="sr">Per check over the period: result, uptime, incidents, latency of passing results and alerts</caption>
<thead><tr><th scope="col">Check</th><th scope="col">Result</th><th scope="col">Uptime</th><th scope="col">Incidents</th><th scope="col">p50 / p95</th><th scope="col">Alerts</th></tr></thead>
<tbody>
${digest.checks.map(
  (check) => html`<tr id="check-${check.name}"><th scope="row">${check.name}</th>
<td data-label="Result">${verdict(check)}</td>
<td data-label="Uptime">${check.uptimePercent === undefined ? 'no results in this period' : html`${formatPercent(check.uptimePercent)} <small class="muted">(${check.passed} of ${check.results} passed)</small>`}</td>
<td data-label="Incidents">${check.incidents.length === 0 ? 'none' : `${check.incidents.length}, ${formatDowntime(check.incidents.reduce((sum, incident) => sum + incident.durationMs, 0))} in all`}</td>
<td data-label="p50 / p95">${check.p50Ms === undefined ? 'no passing result' : `${check.p50Ms} ms / ${check.p95Ms} ms`}</td>
<td data-label="Alerts">${alertsText(check.alerts)}</td></tr>
`,
)}
</tbody>
</table>`
}
</section>
${chart ? html`<section aria-labelledby="chart-title"><h2 id="chart-title">Chart</h2>
<img class="chart" width="${chart.width}" height="${chart.height}" src="data:image/png;base64,${chart.png.toString('base64')}" alt="${chart.caption.replaceAll('\n', '. ')}">
<p class="muted">${chart.caption.split('\n').map((line, index) => html`${index > 0 ? html`<br>` : ''}${line}`)}</p>
</section>` : ''}
<section aria-labelledby="incidents-title">
<h2 id="incidents-title">Incidents</h2>
${
  incidents.length === 0
    ? html`<p>None in this period.</p>`
    : html`<table class="cards">
<caption class="sr">Incidents of the period, latest first</caption>
<thead><tr><th scope="col">Check</th><th scope="col">Down since</th><th scope="col">Back up</th><th scope="col">Lasted</th></tr></thead>
<tbody>
${incidents.map(
  // One begun before the period lasted, in it, what the uptime counts: the part in the period, and says so.
  (incident) => html`<tr><th scope="row">${incident.check}</th><td data-label="Down since">${timeTag(incident.start)}${incident.startedBefore ? ' (before this period)' : ''}</td><td data-label="Back up">${
    incident.end === undefined ? html`<span class="state down">${MARK.down} still down</span>` : timeTag(incident.end)
  }</td><td data-label="Lasted">${formatDowntime(incident.durationMs)}${incident.startedBefore ? ' in this period' : ''}${incident.end === undefined ? ' so far' : ''}</td></tr>
`,
)}
</tbody>
</table>`
}
</section>`
  return renderPage({title, body, description: `${title}: ${digest.checks.length} checks`})
}

/** Writes the page atomically (mode 0644: a web server's user reads it). */
export async function writeDigestPage(path: string, digest: Digest, chart?: Chart): Promise<void> {
  await writeFileAtomic(path, renderDigestPage(digest, chart), 0o644)
}
