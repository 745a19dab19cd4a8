// Draws docs/status-page.png for the README: the demo data (test/status-page/demo-data.ts) through the built CLI's
// `monitor status --html`, photographed by headless Chromium at a phone's width and a desktop's.
//   npm run build && npx tsx scripts/status-page-screenshot.ts
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'

import {CHROMIUM, launchChromium} from '../test/status-page/browser.js'
import {writeDemoState} from '../test/status-page/demo-data.js'

if (CHROMIUM === undefined) {
  console.error('chromium is missing: apt-get install chromium')
  process.exit(1)
}
const home = mkdtempSync(join(tmpdir(), 'fastpay-tg-status-demo-'))
try {
  const stateDir = join(home, 'state')
  const file = await writeDemoState(stateDir, Date.now())
  const page = join(home, 'status.html')
  execFileSync(process.execPath, [resolve('bin/run.js'), 'monitor', 'status', '--file', file, '--state-dir', stateDir, '--html', page], {
    env: {PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'xdg-state')},
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const browser = await launchChromium()
  try {
    for (const [name, width] of [['status-page.png', 1100], ['status-page-phone.png', 390]] as const) {
      const tab = await browser.newPage()
      await tab.setViewport({width, height: 700, deviceScaleFactor: 1})
      await tab.emulateMediaFeatures([{name: 'prefers-color-scheme', value: 'light'}])
      await tab.goto(pathToFileURL(page).href, {waitUntil: 'load'})
      writeFileSync(join('docs', name), await tab.screenshot({fullPage: true, type: 'png'}))
      console.log(`wrote docs/${name}`)
      await tab.close()
    }
  } finally {
    await browser.close()
  }
} finally {
  rmSync(home, {recursive: true, force: true})
}
