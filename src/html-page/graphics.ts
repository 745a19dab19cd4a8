// The two small pictures of the status page, each with its numbers in words beside it for whoever cannot see them.
import {type Html, html, raw} from './page.js'

export interface DayCell {
  /** `May 3` */
  label: string
  /** Passing results out of all, in %; undefined: no result that day. */
  uptimePercent?: number
}

/** The colour class of a day (and of the legend): all passed, at least 99 %, less, or no data. */
export function dayClass(uptimePercent: number | undefined): 'ok' | 'minor' | 'major' | 'none' {
  if (uptimePercent === undefined) return 'none'
  if (uptimePercent >= 100) return 'ok'
  return uptimePercent >= 99 ? 'minor' : 'major'
}

const WORDS = {ok: 'all checks passed', minor: 'some failed', major: 'down for a while', none: 'no data'} as const

/** A bar of daily cells, oldest first; each cell says its day and uptime in text (read out, and shown on hover). */
export function dayBar(days: readonly DayCell[], label: string): Html {
  return html`<ol class="days" aria-label="${label}">${days.map((day) => {
    const kind = dayClass(day.uptimePercent)
    const text = `${day.label}: ${day.uptimePercent === undefined ? WORDS.none : `${formatPercent(day.uptimePercent)} (${WORDS[kind]})`}`
    return html`<li class="${kind}" title="${text}"><span class="sr">${text}</span></li>`
  })}</ol>`
}

const LEGEND = {ok: '100 %', minor: '99 % or more', major: 'under 99 %', none: 'no data'} as const

export function dayLegend(): Html {
  return html`<ul class="legend" aria-label="Colours of the daily cells">${(['ok', 'minor', 'major', 'none'] as const).map(
    (kind) => html`<li><span class="${kind}" aria-hidden="true"></span>${LEGEND[kind]}</li>`,
  )}</ul>`
}

/** `99.95 %`, never rounded up to 100. */
export function formatPercent(percent: number): string {
  return `${Math.floor(percent * 100) / 100} %`
}

/**
 * A line of latencies over time as inline SVG (no script, no outside file), gaps where there is no value. The
 * picture is decoration: `summary` says the same in words.
 */
export function sparkline(values: ReadonlyArray<number | undefined>, summary: string): Html {
  const width = 120
  const height = 24
  const known = values.filter((value): value is number => value !== undefined)
  if (known.length === 0) return html`<span class="muted">${summary}</span>`
  const max = Math.max(...known, 1)
  const step = values.length > 1 ? width / (values.length - 1) : 0
  const lines: string[][] = [[]]
  values.forEach((value, index) => {
    if (value === undefined) {
      if (lines.at(-1)!.length > 0) lines.push([])
      return
    }
    const y = height - 1 - (value / max) * (height - 2)
    lines.at(-1)!.push(`${(index * step).toFixed(1)},${y.toFixed(1)}`)
  })
  const polylines = lines
    .filter((points) => points.length > 0)
    .map((points) => (points.length === 1 ? [points[0]!, points[0]!.replace(/^[\d.]+/, (x) => String(Number(x) + 1))] : points))
    .map((points) => `<polyline points="${points.join(' ')}"/>`)
  return html`<svg class="spark" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" role="img" aria-label="${summary}"><title>${summary}</title>${raw(polylines.join(''))}</svg><small class="muted">${summary}</small>`
}
