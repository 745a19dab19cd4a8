// The status page: `monitor status --html` and `monitor watch --html` through the built CLI, on thirty days of demo
// history; then the page in headless Chromium at a phone's width and a desktop's (skipped without chromium).
import {readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {renderStatusPage} from '../../src/status-page/index.js'
import type {StatusPageData} from '../../src/status-page/status-data.js'
import {HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'
import {spawnCli} from '../metrics/cli-process.js'
import {freshRedisDatabase, redisForTests} from '../store/redis-server.js'
import {CHROMIUM, launchChromium, layoutAt, pngSize} from './browser.js'
import {DEMO_CHECKS, writeDemoState} from './demo-data.js'

const world = useCliWorld()
const found = await redisForTests()
afterAll(async () => {
  await found.redis?.stop()
})

async function demoPage(): Promise<{page: string; html: string; stdout: string}> {
  const file = await writeDemoState(world.cli.stateDir, Date.now())
  const page = join(world.cli.env.HOME!, 'public', 'index.html')
  const result = await world.run(['monitor', 'status', '--file', file, '--html', page])
  expect({exitCode: result.exitCode, stderr: result.stderr}).toEqual({exitCode: 0, stderr: ''})
  // The page is 0644 for the web server's user: the directory made for it (public/) must let that user in too.
  expect((statSync(dirname(page)).mode & 0o777).toString(8)).toBe((0o755 & ~process.umask()).toString(8))
  return {page, html: readFileSync(page, 'utf8'), stdout: result.stdout}
}

const rowOf = (html: string, check: string) => html.slice(html.indexOf(`<tr id="check-${check}">`), html.indexOf('</tr>', html.indexOf(`<tr id="check-${check}">`)))

describe('monitor status --html', () => {
  it('writes one self-contained page: every check with its state, since when, uptime, daily cells and latency, incidents and the last pass', async () => {
    const {html, stdout} = await demoPage()
    // The table is still printed: --html adds the page.
    expect(stdout.split('\n')[0]).toMatch(/^CHECK\s+STATUS\s+SINCE/)
    // Nothing to fetch, nothing to run.
    expect(html).not.toMatch(/<script|<link|<iframe|<object|\b(?:src|href)="(?!data:|#)|url\(|@import/i)
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true)
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">')
    expect(html).toContain('<p class="summary bad">✖ 1 of 6 checks is down: queue-depth.</p>')
    for (const check of DEMO_CHECKS) {
      const row = rowOf(html, check.name)
      expect(row).toContain(`<th scope="row">${check.name}<br><small class="muted">${check.target}</small></th>`)
      // Thirty daily cells, each with its day and number in words.
      expect(row.match(/<li class="(ok|minor|major|none)" title="[A-Z][a-z]{2} \d{1,2}: [^"]+"><span class="sr">/g)).toHaveLength(30)
      expect(row).toMatch(/<svg class="spark" viewBox="0 0 120 24" preserveAspectRatio="none" role="img" aria-label="median \d+(ms|\.\d+s|s) over 24 h">/)
    }
    expect(rowOf(html, 'queue-depth')).toContain('<span class="state down">✖ Down</span><br><small>exit code 2, expected 0: 1843 jobs waiting (limit 1000)</small>')
    expect(rowOf(html, 'api')).toMatch(/<span class="state up">✔ Up<\/span>/)
    expect(rowOf(html, 'checkout')).toContain('24 h <b>100 %</b></span> · <span>7 d <b>100 %</b></span> · <span>30 d <b>100 %</b>')
    // Started six days ago: the older cells say so.
    expect(rowOf(html, 'nightly-backup').match(/<li class="none" title="[^"]+: no data">/g)!.length).toBeGreaterThanOrEqual(23)
    expect(rowOf(html, 'db')).toMatch(/30 d <b>99\.\d+ %<\/b>/)
    const incidents = html.slice(html.indexOf('<h2 id="incidents-title">'))
    expect(incidents.slice(0, incidents.indexOf('<h3>Recent</h3>'))).toMatch(/<th scope="row">queue-depth<br><small>exit code 2[^<]*<\/small><\/th>[\s\S]*✖ still down/)
    expect(incidents.slice(incidents.indexOf('<h3>Recent</h3>')).match(/<tr><th scope="row">([\w-]+)</g)).toEqual(['<tr><th scope="row">nightly-backup<', '<tr><th scope="row">api<', '<tr><th scope="row">db<', '<tr><th scope="row">db<'])
    expect(html).toMatch(/Last pass <time datetime="[^"]+">[^<]+<\/time> on web-1: 6 checks in 1\.83s, 1 down\./)
  })

  it('escapes what checks report, and lists the fleet\'s hosts with what each saw', () => {
    const now = Date.parse('2026-01-10T12:00:00Z')
    const data: StatusPageData = {
      generatedAt: now,
      checks: [{name: 'api', status: 'down', since: now - 60_000, message: '<script>alert(1)</script>', failures: 1, configured: true, uptime: {}, days: [{day: now - (now % 86_400_000)}], latencyByHour: []}],
      open: [],
      recent: [],
      hosts: [
        {host: 'web-1', at: now, checks: {api: {ok: false, message: 'refused & <gone>'}}},
        {host: 'web-2', at: now, checks: {api: {ok: true, message: '200 OK'}}},
      ],
    }
    const html = renderStatusPage(data)
    expect(html).not.toContain('<script>')
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;')
    expect(html).toContain('<tr><th scope="row">web-1</th><td data-label="Last pass"><time datetime="2026-01-10T12:00:00.000Z">2026-01-10 12:00 UTC</time></td><td data-label="Failing there"><span>✖ api: refused &#38; &#60;gone&#62;</span><br></td></tr>')
    expect(html).toContain('<tr><th scope="row">web-2</th><td data-label="Last pass"><time datetime="2026-01-10T12:00:00.000Z">2026-01-10 12:00 UTC</time></td><td data-label="Failing there">✔ none</td></tr>')
    expect(html).toContain('<li class="none" title="Jan 10: no data"><span class="sr">Jan 10: no data</span></li>')
  })
})

describe.skipIf(found.skip !== undefined)(`monitor status --html on a fleet's Redis${found.skip ? ` (${found.skip})` : ''}`, () => {
  it("lists each host's last pass and what failed there", async () => {
    // Database 9 of the test Redis is this file's (see freshRedisDatabase).
    const store = await freshRedisDatabase(found.redis!.url, 9)
    writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
    const home = world.cli.env.HOME!
    for (const [host, command] of [['web-1', 'true'], ['web-2', 'false']] as const) {
      const file = join(home, `${host}.yml`)
      writeFileSync(file, `checks:\n  - {name: api, type: command, run: ["${command}"], failure-threshold: 1}\n`)
      const ran = await world.run(['monitor', 'run', '--file', file, '--state-dir', join(home, host), '--host', host], {env: {FASTPAY_TG_STORE: store}})
      expect(ran.exitCode).toBe(0)
    }
    const page = join(home, 'fleet.html')
    const status = await world.run(['monitor', 'status', '--file', join(home, 'web-1.yml'), '--state-dir', join(home, 'web-3'), '--html', page], {env: {FASTPAY_TG_STORE: store}})
    expect({exitCode: status.exitCode, stderr: status.stderr}).toEqual({exitCode: 0, stderr: ''})
    const html = readFileSync(page, 'utf8')
    const hosts = html.slice(html.indexOf('<h2 id="hosts-title">Hosts</h2>'))
    expect(hosts.match(/<tr><th scope="row">[^<]+<\/th>.*<\/tr>/g)!.map((row) => row.replace(/<time[^>]*>[^<]*<\/time>/, 'TIME'))).toEqual([
      '<tr><th scope="row">web-1</th><td data-label="Last pass">TIME</td><td data-label="Failing there">✔ none</td></tr>',
      '<tr><th scope="row">web-2</th><td data-label="Last pass">TIME</td><td data-label="Failing there"><span>✖ api: exit code 1, expected 0</span><br></td></tr>',
    ])
    // The history both hosts wrote to the shared store: one result each.
    expect(rowOf(html, 'api')).toContain('24 h <b>50 %</b>')
  }, 120_000)
})

describe('monitor watch --html', () => {
  it('rewrites the page after each pass', async () => {
    const flag = join(world.cli.env.HOME!, 'ready')
    const file = join(world.cli.env.HOME!, 'monitors.yml')
    writeFileSync(file, `defaults: {failure-threshold: 1, interval: 1s}\nchecks:\n  - {name: gate, type: command, run: ["test", "-e", "${flag}"]}\n`)
    const page = join(world.cli.env.HOME!, 'index.html')
    const watch = spawnCli(world.cli, ['monitor', 'watch', '--file', file, '--html', page])
    try {
      await watch.waitForLine(/^down +gate: exit code 1/)
      expect(rowOf(readFileSync(page, 'utf8'), 'gate')).toContain('✖ Down')
      writeFileSync(flag, '')
      await watch.waitForLine(/^up +gate/)
      // The page is written before the pass's lines are printed.
      expect(rowOf(readFileSync(page, 'utf8'), 'gate')).toContain('✔ Up')
    } finally {
      const stopped = await watch.stop()
      expect(stopped.stderr).toBe('')
    }
    // No temporary copy is left (`.index.html.<pid>.<random>.tmp`): looked for once the watch has stopped, since a
    // pass running meanwhile has one for a moment. `${page}.tmp`, looked for before, is a name it never uses.
    expect(readdirSync(world.cli.env.HOME!).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })
})

describe.skipIf(!CHROMIUM)('the status page in headless Chromium (skipped where chromium is missing: apt-get install chromium)', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>
  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })

  it.each([390, 1280])('at %i px wide: no check hidden, no horizontal scroll, nothing fetched, without JavaScript', async (width) => {
    const {page} = await demoPage()
    const url = pathToFileURL(page).href
    const layout = await layoutAt(browser, url, width)
    expect(layout.requests).toEqual([url])
    expect(layout.scrollWidth).toBeLessThanOrEqual(width)
    expect(layout.rows.map((row) => row.name)).toEqual(DEMO_CHECKS.map((check) => check.name))
    for (const row of layout.rows) {
      expect(row.visible).toBe(true)
      expect(row.height).toBeGreaterThan(20)
      expect(row.left).toBeGreaterThanOrEqual(0)
      expect(row.right).toBeLessThanOrEqual(width)
    }
    expect(layout.dayCells).toHaveLength(30 * DEMO_CHECKS.length)
    // Every daily cell can be seen, however narrow the screen.
    expect(Math.min(...layout.dayCells)).toBeGreaterThanOrEqual(3)
    const shot = pngSize(layout.screenshot)
    expect(shot.width).toBe(width)
    expect(shot.height).toBeGreaterThan(800)
  })
})
