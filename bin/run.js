#!/usr/bin/env node
// CommonJS (bin/package.json): an ES module entry would start Node's ESM loader, a cost of its own at every start.
// The whole CLI is one bundle (scripts/build.mjs): resolving hundreds of small modules costs more than the work.
// The most frequent lines are answered before it loads (loading oclif alone costs about a start of node): the
// version, a command's help into a pipe, a plain `alert`, and a plain line of any other command (the fast path:
// commands/fast.ts). Anything else, and any line oclif must judge, runs through oclif.
'use strict'
const {readFileSync} = require('node:fs')
const {join} = require('node:path')

const CLI_BUNDLE = join(__dirname, '../dist/cli.cjs')
const ALERT_BUNDLE = join(__dirname, '../dist/chunks/alert-fast.cjs')
const FAST_BUNDLE = join(__dirname, '../dist/chunks/fast.cjs')

/**
 * `<command> --help` (or -h) as oclif printed it at build time (scripts/render-help.mjs: into a pipe, no colour),
 * when this run would print the same: stdout not a terminal, no OCLIF_COLUMNS, FORCE_COLOR or debug output asked
 * for, and the working directory still there (else oclif warns). Undefined otherwise, or for a line of other words.
 */
function prerenderedHelp(argv) {
  const words = argv.slice(0, -1)
  if (!['--help', '-h'].includes(argv.at(-1)) || words.length === 0 || !words.every((word) => /^[a-z][a-z0-9-]*$/.test(word))) return undefined
  const {env} = process
  if (process.stdout.isTTY || env.OCLIF_COLUMNS || env.FORCE_COLOR !== undefined || env.DEBUG || env.FASTPAY_TG_DEBUG) return undefined
  try {
    process.cwd()
    return readFileSync(join(__dirname, `../dist/chunks/help/${words.join('.')}.txt`), 'utf8')
  } catch {
    return undefined
  }
}

/** Every bundle and lazy file this process compiled, by file name: the build makes their code caches from them. */
const scripts = new Map()

/**
 * A bundle's module (dist/cli.cjs, the alert fast path's, or a lazy file of theirs), as `require` would give it,
 * compiled with the V8 code cache the build made for it (`<file>.cache`, by this Node: scripts/warm-code-cache.mjs)
 * instead of from its source: compiling the bundle was the largest part of a start (and zod's, with a registry). A
 * cache that another Node or other V8 flags made is rejected by V8, which then compiles from the source as `require`
 * does; nothing is written here. oclif loads the CLI bundle too (package.json names its commands, hooks and help
 * class in it): it gets this module from require's cache. `script` is for the build, which makes the cache from it.
 */
function loadBundle(filename) {
  const cached = require.cache[filename]
  if (cached) return {exports: cached.exports}
  const Module = require('node:module')
  const {Script} = require('node:vm')
  // The build writes the bundles in ASCII (scripts/finish-bundle.mjs): read as latin1, the same text costs next to
  // nothing, where decoding UTF-8 cost a start about 15 M instructions.
  const bytes = readFileSync(filename)
  const source = require('node:buffer').isAscii(bytes) ? bytes.toString('latin1') : bytes.toString()
  let cachedData
  try {
    cachedData = readFileSync(`${filename}.cache`)
  } catch {}
  // As Module.wrap, plus `import()` from a module Node compiled itself: a script compiled through node:vm cannot
  // import without an experimental flag (scripts/finish-bundle.mjs routes the bundle's `import()` calls here).
  // And `__fastpayLoad`, which loads the bundle's lazy files (dist/chunks/lazy/) as this loads the bundle.
  const wrapped = `(function (exports, require, module, __filename, __dirname, __fastpayImport, __fastpayLoad) {${source}\n})`
  const script = new Script(wrapped, {filename, cachedData})
  const bundle = new Module(filename, module)
  bundle.filename = filename
  require.cache[filename] = bundle
  try {
    const dirname = join(filename, '..')
    const load = (path) => loadBundle(path).exports
    script.runInThisContext().call(bundle.exports, bundle.exports, Module.createRequire(filename), bundle, filename, dirname, (specifier) => import(specifier), load)
  } catch (error) {
    delete require.cache[filename]
    throw error
  }
  bundle.loaded = true
  scripts.set(filename, script)
  return {exports: bundle.exports, script}
}

/**
 * `alert WORD` where `alert:WORD` is a command: oclif's, so the alert fast path's bundle is not even loaded for it
 * (about 25 M instructions). commands/support/alert-argv.ts leaves them to oclif too; a test holds both to the
 * manifest.
 */
const ALERT_SUBCOMMANDS = ['flush', 'outbox']

const loadCli = () => loadBundle(CLI_BUNDLE)
const loadAlertFast = () => loadBundle(ALERT_BUNDLE)
const loadFast = () => loadBundle(FAST_BUNDLE)

async function main(argv) {
  const help = prerenderedHelp(argv)
  if (argv[0] === '--version') {
    // In oclif's own words: NAME/VERSION PLATFORM-ARCH node-NODEVERSION, with oclif's `wsl` for Windows' Linux.
    const {name, version} = JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8'))
    const platform = process.platform === 'linux' && /microsoft/i.test(require('node:os').release()) ? 'wsl' : process.platform
    const arch = process.arch === 'ia32' ? 'x86' : process.arch
    process.stdout.write(`${name}/${version} ${platform}-${arch} node-${process.version}\n`)
  } else if (help !== undefined) {
    process.stdout.write(help)
  } else if (argv[0] === 'alert' && !ALERT_SUBCOMMANDS.includes(argv[1]) && (await loadAlertFast().exports.runAlertFast(argv))) {
    // A plain alert ran, without oclif: see commands/alert-fast.ts.
  } else if (!(await loadFast().exports.runFast(argv))) {
    // oclif finds the package from here: the folder with package.json (bin/ has one of its own, for the module type).
    await loadCli().exports.run(argv, join(__dirname, '..'))
  }
}

// A rejection is left unhandled, as an ES module's top-level await left it: Node prints it and exits with 1.
if (require.main === module) main(process.argv.slice(2))

module.exports = {loadCli, loadAlertFast, loadFast, scripts, ALERT_SUBCOMMANDS}
