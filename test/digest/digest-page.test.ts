// `digest --html FILE` through the built CLI: the recorded day as a self-contained page with the chart inline, and
// the page in headless Chromium at a phone's width (skipped without chromium).
import {readFileSync, statSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {describe, expect, it} from 'vitest'

import {FileMonitorStore, monitorDirIn} from '../../src/store/file/file-monitor-store.js'
import {HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'
import {CHROMIUM, launchChromium, layoutAt} from '../status-page/browser.js'
import {recordedDayEndingAt} from './history-fixture.js'

const world = useCliWorld()

/** The recorded day (history-fixture.ts), moved so that it ends now, written as `digest --dry-run --html` sees it. */
async function digestPage(): Promise<{page: string; html: string; stdout: string; exitCode: number; stderr: string}> {
  await new FileMonitorStore({dir: monitorDirIn(world.cli.stateDir)}).appendHistory(recordedDayEndingAt(Date.now()))
  writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
  const page = join(world.cli.env.HOME!, 'www', 'digest.html')
  const result = await world.run(['digest', '--since', '24h', '--dry-run', '--html', page])
  return {page, html: readFileSync(page, 'utf8'), ...result}
}

describe('digest --html', () => {
  it('writes the digest as one self-contained page: a row per check, the incidents, the PNG chart inline', async () => {
    const {page, html, exitCode, stderr, stdout} = await digestPage()
    expect({exitCode, stderr}).toEqual({exitCode: 0, stderr: ''})
    // --dry-run still prints the message; the chart is not sent (nor printed: only --chart sends one).
    expect(stdout.split('\n')[0]).toBe('📊 <b>Monitor digest</b>: last 24h')
    expect(world.api.requests).toEqual([])
    expect(html).not.toMatch(/<script|<link|<iframe|<object|\b(?:src|href)="(?!data:|#)|url\(|@import/i)
    expect(html).toContain('<title>Monitor digest: last 24h</title>')
    const row = (check: string) => html.slice(html.indexOf(`<tr id="check-${check}">`), html.indexOf('</tr>', html.indexOf(`<tr id="check-${check}">`)))
    expect(row('api')).toContain('<span class="state unknown">⚠ Had failures</span>')
    expect(row('api')).toContain('97.91% <small class="muted">(141 of 144 passed)</small>')
    expect(row('api')).toContain('<td data-label="p50 / p95">71 ms / 134 ms</td>')
    expect(row('api')).toContain('<td data-label="Alerts">2 sent, 0 suppressed, 0 failed</td>')
    expect(row('db')).toContain('<span class="state down">✖ Down now</span>')
    const png = /<img class="chart" width="800" height="400" src="data:image\/png;base64,([A-Za-z0-9+/=]+)" alt="Uptime \(top, 0-100%\) and p95 latency[^"]*">/.exec(html)
    expect(png).not.toBeNull()
    expect([...Buffer.from(png![1]!, 'base64').subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    const incidents = html.slice(html.indexOf('<h2 id="incidents-title">'))
    expect(incidents.match(/<tr><th scope="row">(\w+)<\/th>/g)).toEqual(['<tr><th scope="row">db</th>', '<tr><th scope="row">api</th>'])
    expect(incidents).toContain('✖ still down')
    // The page is 0644 for the web server's user: the directory made for it must let that user in too.
    expect((statSync(dirname(page)).mode & 0o777).toString(8)).toBe((0o755 & ~process.umask()).toString(8))
  })

  it.skipIf(!CHROMIUM)('reads on a phone: no sideways scroll at 390 px, every check shown, nothing fetched (skipped without chromium)', async () => {
    const {page} = await digestPage()
    const browser = await launchChromium()
    try {
      const url = pathToFileURL(page).href
      const layout = await layoutAt(browser, url, 390)
      expect(layout.requests).toEqual([url])
      expect(layout.scrollWidth).toBeLessThanOrEqual(390)
      expect(layout.rows.map((row) => [row.name, row.visible, row.right <= 390])).toEqual([
        ['api', true, true],
        ['db', true, true],
      ])
    } finally {
      await browser.close()
    }
  })
})
