// One self-contained HTML page (the status page, the digest): inline CSS, inline SVG and data: images, no script
// and nothing fetched from elsewhere, so it can be opened from disk, mailed, or served by any static web server.

/** Text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.codePointAt(0)};`)
}

/** A tagged template whose `${}` values are escaped, except those already made by `html` (or `raw`). */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

export const raw = (text: string) => new Html(text)

/**
 * The pages' symbols, for `${}` values of `html` templates: esbuild writes those of a string literal as `\u` escapes
 * but keeps a tagged template's characters as they are, and the CLI bundle must stay ASCII (scripts/finish-bundle.mjs).
 */
export const MARK = {ok: '✔', down: '✖', warning: '⚠', dot: '·'} as const

type Value = Html | string | number | undefined | null | false | readonly Value[]

function serialize(value: Value): string {
  if (value === undefined || value === null || value === false) return ''
  if (value instanceof Html) return value.text
  if (Array.isArray(value)) return value.map(serialize).join('')
  return escapeHtml(String(value))
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  return new Html(strings.reduce((out, string, index) => out + string + (index < values.length ? serialize(values[index]!) : ''), ''))
}

// Phone first: one column that never scrolls sideways; tables turn into labelled cards under 40em. Every colour
// comes with a word or a symbol, and the contrast holds in light and dark schemes.
const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--none:#8c959f;--card:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9da7b3;--line:#30363d;--ok:#3fb950;--warn:#d29922;--bad:#f85149;--none:#6e7681;--card:#161b22}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow-wrap:anywhere}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.25rem 0}h2{font-size:1.2rem;margin:1.75rem 0 .5rem}
p{margin:.4rem 0}.muted{color:var(--muted)}small{font-size:.85rem}
.summary{padding:.75rem 1rem;border-radius:.5rem;border:1px solid var(--line);background:var(--card);font-weight:600}
.summary.ok{border-left:.5rem solid var(--ok)}.summary.bad{border-left:.5rem solid var(--bad)}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;vertical-align:top;padding:.5rem;border-bottom:1px solid var(--line)}
th{font-size:.85rem;color:var(--muted);font-weight:600}
th[scope=row]{font-size:1rem;color:var(--fg)}th[scope=row] small{font-weight:400}
.state{font-weight:700;white-space:nowrap}.state.up{color:var(--ok)}.state.down{color:var(--bad)}.state.unknown,.state.pending{color:var(--warn)}
.days{display:flex;gap:2px;margin:.35rem 0 .15rem;padding:0;list-style:none;min-width:0}
.days li{flex:1 1 0;min-width:0;height:1.6rem;border-radius:2px;background:var(--none)}
.days li.ok{background:var(--ok)}.days li.minor{background:var(--warn)}.days li.major{background:var(--bad)}
.spark{display:block;width:100%;max-width:14rem;height:2rem}.spark polyline{fill:none;stroke:var(--fg);stroke-width:1.5}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;list-style:none;font-size:.85rem;color:var(--muted)}
.legend span{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.3rem;vertical-align:-.1rem;background:var(--none)}
.legend .ok{background:var(--ok)}.legend .minor{background:var(--warn)}.legend .major{background:var(--bad)}
.chart{max-width:100%;height:auto;border:1px solid var(--line);border-radius:.5rem}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:40em){
 table.cards thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
 table.cards,table.cards tbody,table.cards tr,table.cards td,table.cards th{display:block;width:100%}
 table.cards tr{border:1px solid var(--line);border-radius:.5rem;margin:0 0 .75rem;padding:.25rem .5rem;background:var(--card)}
 table.cards td,table.cards th[scope=row]{border:0;padding:.3rem 0}
 table.cards td[data-label]::before{content:attr(data-label);display:block;font-size:.8rem;color:var(--muted)}
}
`

export interface PageOptions {
  title: string
  body: Html
  /** A description for link previews and screen readers' page list. */
  description?: string
}

export function renderPage(options: PageOptions): string {
  return `<!doctype html>
${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="fastpay-tg">
${options.description ? html`<meta name="description" content="${options.description}">` : ''}
<title>${options.title}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<main>
${options.body}
</main>
</body>
</html>`}
`
}
