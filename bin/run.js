#!/usr/bin/env node
// The whole CLI is one bundle (scripts/build.mjs): resolving hundreds of small modules costs more than the work.
// The most frequent lines are answered before it loads (loading oclif alone costs about a start of node): the
// version, a command's help into a pipe, and a plain `alert`. Anything else, and any line oclif must judge, runs
// through oclif.
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {release} from 'node:os'

const argv = process.argv.slice(2)

/**
 * `<command> --help` (or -h) as oclif printed it at build time (scripts/render-help.mjs: into a pipe, no colour),
 * when this run would print the same: stdout not a terminal, no OCLIF_COLUMNS, FORCE_COLOR or debug output asked
 * for, and the working directory still there (else oclif warns). Undefined otherwise, or for a line of other words.
 */
function prerenderedHelp() {
  const words = argv.slice(0, -1)
  if (!['--help', '-h'].includes(argv.at(-1)) || words.length === 0 || !words.every((word) => /^[a-z][a-z0-9-]*$/.test(word))) return undefined
  const {env} = process
  if (process.stdout.isTTY || env.OCLIF_COLUMNS || env.FORCE_COLOR !== undefined || env.DEBUG || env.FASTPAY_TG_DEBUG) return undefined
  try {
    process.cwd()
    return readFileSync(new URL(`../dist/chunks/help/${words.join('.')}.txt`, import.meta.url), 'utf8')
  } catch {
    return undefined
  }
}

const help = prerenderedHelp()
if (argv[0] === '--version') {
  // In oclif's own words: NAME/VERSION PLATFORM-ARCH node-NODEVERSION, with oclif's `wsl` for Windows' Linux.
  const {name, version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  const platform = process.platform === 'linux' && /microsoft/i.test(release()) ? 'wsl' : process.platform
  const arch = process.arch === 'ia32' ? 'x86' : process.arch
  process.stdout.write(`${name}/${version} ${platform}-${arch} node-${process.version}\n`)
} else if (help !== undefined) {
  process.stdout.write(help)
} else if (argv[0] !== 'alert' || !(await createRequire(import.meta.url)('../dist/chunks/alert-fast.cjs').runAlertFast(argv))) {
  // (A plain alert ran above, without oclif: see commands/alert-fast.ts.)
  const {run} = await import('../dist/cli.js')
  await run(argv, import.meta.url)
}
