// Fails when the committed dist/action/ is not what the sources build to: the runner runs the committed files, so a
// stale bundle would ship old code. Rebuilds into a temporary directory and compares the file lists and their bytes.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {buildActionBundle, bundleFiles} from './action-bundle.mjs'

const committedDir = fileURLToPath(new URL('../dist/action', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'fastpay-tg-action-bundle-'))
const fail = (message) => {
  console.error(`${message}: run \`npm run build\` and commit dist/action/`)
  process.exitCode = 1
}
try {
  const freshDir = join(dir, 'action')
  await buildActionBundle(freshDir)
  const fresh = bundleFiles(freshDir)
  let committed = []
  try {
    committed = bundleFiles(committedDir)
  } catch {}
  const missing = fresh.filter((file) => !committed.includes(file))
  const stale = committed.filter((file) => !fresh.includes(file))
  const changed = fresh.find((file) => committed.includes(file) && !readFileSync(join(freshDir, file)).equals(readFileSync(join(committedDir, file))))
  if (missing.length > 0) fail(`dist/action/ lacks ${missing.join(', ')}`)
  else if (stale.length > 0) fail(`dist/action/ holds files a fresh build does not make: ${stale.join(', ')}`)
  else if (changed !== undefined) fail(`dist/action/${changed} differs from a fresh build`)
  else console.log(`dist/action/ matches a fresh build (${fresh.length} files)`)
} finally {
  rmSync(dir, {recursive: true, force: true})
}
