// Headless Chromium (Debian package `chromium`, which .ci/run installs) through puppeteer-core: puppeteer's own
// browser download cannot be reached here. Tests skip when it is missing.
import {existsSync, writeFileSync} from 'node:fs'
import {basename, join} from 'node:path'

import type {Browser} from 'puppeteer-core'

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path))

export async function launchChromium(): Promise<Browser> {
  const {launch} = await import('puppeteer-core')
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return launch({executablePath: CHROMIUM!, headless: true, args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none']})
}

interface Layout {
  scrollWidth: number
  /** The checks table's rows: the name in its row header, where the row is, and whether it shows. */
  rows: Array<{name: string; left: number; right: number; height: number; visible: boolean}>
  /** Widths of the daily cells. */
  dayCells: number[]
}

const MEASURE = `(() => {
  const rows = [...document.querySelectorAll('#checks-title ~ table tbody tr')]
  return {
    scrollWidth: document.documentElement.scrollWidth,
    rows: rows.map((row) => {
      const box = row.getBoundingClientRect()
      const style = getComputedStyle(row)
      return {name: row.querySelector('th').firstChild.textContent, left: box.left, right: box.right, height: box.height, visible: style.display !== 'none' && style.visibility !== 'hidden'}
    }),
    dayCells: [...document.querySelectorAll('ol.days li')].map((cell) => cell.getBoundingClientRect().width),
  }
})()`

/** The page at `width` CSS pixels, and what the layout looks like there. */
export async function layoutAt(browser: Browser, fileUrl: string, width: number) {
  const page = await browser.newPage()
  try {
    await page.setViewport({width, height: 800, deviceScaleFactor: 1})
    // JavaScript off: the page must not need it.
    await page.setJavaScriptEnabled(false)
    const requests: string[] = []
    // data: URIs (the digest's inline chart) are part of the page, not fetches.
    page.on('request', (request) => {
      if (!request.url().startsWith('data:')) requests.push(request.url())
    })
    await page.goto(fileUrl, {waitUntil: 'load'})
    // A string, run in the page: this project compiles without the DOM's types.
    const layout = (await page.evaluate(MEASURE)) as Layout
    const screenshot = await page.screenshot({fullPage: true, type: 'png'})
    if (process.env.FASTPAY_TG_SCREENSHOT_DIR) writeFileSync(join(process.env.FASTPAY_TG_SCREENSHOT_DIR, `${basename(fileUrl, '.html')}-${width}.png`), screenshot)
    return {...layout, requests, screenshot: Buffer.from(screenshot)}
  } finally {
    await page.close()
  }
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): {width: number; height: number} {
  return {width: png.readUInt32BE(16), height: png.readUInt32BE(20)}
}
