#!/usr/bin/env node
// The whole CLI is one bundle (scripts/build.mjs): resolving hundreds of small modules costs more than the work.
import {readFileSync} from 'node:fs'
import {release} from 'node:os'

const argv = process.argv.slice(2)
if (argv[0] === '--version') {
  // Answered before the bundle loads (health checks and scripts run it often; loading oclif would double its cost),
  // in oclif's own words: NAME/VERSION PLATFORM-ARCH node-NODEVERSION, with oclif's `wsl` for Windows' Linux.
  const {name, version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  const platform = process.platform === 'linux' && /microsoft/i.test(release()) ? 'wsl' : process.platform
  const arch = process.arch === 'ia32' ? 'x86' : process.arch
  process.stdout.write(`${name}/${version} ${platform}-${arch} node-${process.version}\n`)
} else {
  const {run} = await import('../dist/cli.js')
  await run(argv, import.meta.url)
}
