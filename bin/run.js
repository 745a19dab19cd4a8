#!/usr/bin/env node
// The whole CLI is one bundle (scripts/build.mjs): resolving hundreds of small modules costs more than the work.
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {release} from 'node:os'

const argv = process.argv.slice(2)
if (argv[0] === '--version') {
  // Answered before the bundle loads (health checks and scripts run it often; loading oclif would double its cost),
  // in oclif's own words: NAME/VERSION PLATFORM-ARCH node-NODEVERSION, with oclif's `wsl` for Windows' Linux.
  const {name, version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  const platform = process.platform === 'linux' && /microsoft/i.test(release()) ? 'wsl' : process.platform
  const arch = process.arch === 'ia32' ? 'x86' : process.arch
  process.stdout.write(`${name}/${version} ${platform}-${arch} node-${process.version}\n`)
} else if (argv[0] !== 'alert' || !(await createRequire(import.meta.url)('../dist/chunks/alert-fast.cjs').runAlertFast(argv))) {
  // A plain `alert` (cron, scripts) runs above without oclif, which costs more than the alert's own work; anything
  // else, and an alert line oclif must judge (help, --json, a mistake), runs through oclif.
  const {run} = await import('../dist/cli.js')
  await run(argv, import.meta.url)
}
