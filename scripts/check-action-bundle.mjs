// Fails when the committed dist/action/index.js is not what the sources build to: the runner runs the committed
// file, so a stale bundle would ship old code. Rebuilds into a temporary directory and compares bytes.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {buildActionBundle} from './action-bundle.mjs'

const committedPath = fileURLToPath(new URL('../dist/action/index.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'fastpay-tg-action-bundle-'))
try {
  const freshPath = join(dir, 'index.js')
  await buildActionBundle(freshPath)
  const fresh = readFileSync(freshPath)
  let committed
  try {
    committed = readFileSync(committedPath)
  } catch {
    console.error('dist/action/index.js is missing: run `npm run build` and commit it')
    process.exit(1)
  }
  if (!fresh.equals(committed)) {
    const freshLines = fresh.toString('utf8').split('\n')
    const committedLines = committed.toString('utf8').split('\n')
    const line = freshLines.findIndex((text, index) => text !== committedLines[index])
    console.error(`dist/action/index.js differs from a fresh build (first at line ${line + 1}): run \`npm run build\` and commit it`)
    process.exit(1)
  }
  console.log(`dist/action/index.js matches a fresh build (${fresh.length} bytes)`)
} finally {
  rmSync(dir, {recursive: true, force: true})
}
