// Builds the CLI as one CommonJS bundle with a V8 code cache (plus the files its large libraries load from, when
// first used) and the oclif manifest, so that start-up reads a handful of files instead of resolving hundreds of
// modules, and compiles little.
import {build} from 'esbuild'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {buildActionBundle} from './action-bundle.mjs'
import {escapeBeyondAscii, finishBundle, PARSER_BUILD_PLACEHOLDER} from './finish-bundle.mjs'
import {lazyBanner, lazyRequirePlugin, ZOD_ENTRY} from './lazy-require-plugin.mjs'
import {oclifStartPlugin} from './oclif-start-plugin.mjs'

rmSync('dist/cli.js', {force: true})
rmSync('dist/cli.cjs', {force: true})
rmSync('dist/cli.cjs.cache', {force: true})
rmSync('dist/chunks', {recursive: true, force: true})
rmSync('dist/fake-bot-api.js', {force: true})

// oclif asks wsl-utils whether it runs on WSL (for `wsl-x64` in its user agent) at every start; wsl-utils answers
// with is-wsl but also brings PowerShell helpers whose imports load node:child_process. The answer comes from is-wsl
// here, and the helper oclif uses on Windows (to name the shell) loads the real wsl-utils when first called.
const wslAnswerFirst = {
  name: 'wsl-answer-first',
  setup(build) {
    build.onResolve({filter: /^wsl-utils$/}, async (args) => {
      if (args.pluginData?.real) return undefined
      const real = await build.resolve(args.path, {kind: args.kind, resolveDir: args.resolveDir, pluginData: {real: true}})
      if (real.errors.length > 0) return {errors: real.errors}
      return {path: real.path, namespace: 'wsl-answer-first', pluginData: {resolveDir: args.resolveDir}}
    })
    build.onLoad({filter: /.*/, namespace: 'wsl-answer-first'}, (args) => ({
      contents: `export {default as isWsl} from 'is-wsl'
export const powerShellPath = async () => (await import('wsl-utils')).powerShellPath()`,
      loader: 'js',
      resolveDir: args.pluginData.resolveDir,
      pluginData: {real: true},
    }))
  },
}

// The CLI (bin/run.js loads it through node:vm, with its code cache): one CommonJS file, because a CommonJS file is
// read and compiled in one step where every ES module costs a resolve, a read and a link of its own, and because
// only a script can use a V8 code cache on Node 20. A module of it runs only when first imported. The large
// libraries are files of their own in the lazy folder, read only when a run needs them: eagerly imported (zod,
// yaml, ioredis, execa, prom-client, js-yaml), or through a stand-in that loads them on first use (oclif's helpers,
// which it requires at load whether a run needs them or not).
/** What bin/run.js loads through node:vm with a code cache: one minified CommonJS file for Node 20. */
const SCRIPT_BUNDLE = {
  outExtension: {'.js': '.cjs'},
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
}

/**
 * The large libraries as files of their own in dist/chunks/lazy/, each loaded when a bundle's module that imports it
 * first runs (zod as only the parts the sources use: ZOD_ENTRY).
 */
const largeLibraries = (names) => lazyRequirePlugin(names, {chunksDir: 'dist/chunks', eager: true, entries: {zod: ZOD_ENTRY}})
/** What the command classes import of them: the CLI bundle's and the fast path's. */
const COMMAND_LIBRARIES = ['zod', 'yaml', 'ioredis', 'execa', 'prom-client', 'js-yaml']
// The one `import.meta` of the sources names the build for the monitors parse cache (finish-bundle.mjs).
const NAMES_BUILD = {'import.meta.url': JSON.stringify(PARSER_BUILD_PLACEHOLDER)}

await build({
  ...SCRIPT_BUNDLE,
  entryPoints: {cli: 'commands/index.ts'},
  outdir: 'dist',
  banner: {js: lazyBanner('chunks')},
  define: NAMES_BUILD,
  // oclif probes for these to run TypeScript sources; a bundled CLI never does.
  external: ['typescript', 'ts-node', 'tsx', '@napi-rs/keyring'],
  plugins: [
    wslAnswerFirst,
    oclifStartPlugin,
    largeLibraries(COMMAND_LIBRARIES),
    lazyRequirePlugin(
      ['semver', 'debug', 'tinyglobby', 'lilconfig', 'ejs', 'cli-spinners', 'wrap-ansi', 'widest-line', 'string-width', 'indent-string', 'clean-stack', 'minimatch'],
      {builtins: ['node:child_process', 'node:readline', 'node:perf_hooks'], chunksDir: 'dist/chunks'},
    ),
  ],
})
finishBundle('dist/cli.cjs', {namesBuild: true})

// The alert fast path (bin/run.js runs a plain `alert` line without oclif): one CommonJS file too, loaded as the CLI
// bundle is, with a code cache of its own. Its modules that a run may not need are in the file but run only when
// first imported; the large libraries they use (zod, yaml, ioredis: registry files, Redis) are files of their own in
// the lazy folder, read only then.
await build({
  ...SCRIPT_BUNDLE,
  entryPoints: {'alert-fast': 'commands/alert-fast.ts'},
  outdir: 'dist/chunks',
  banner: {js: lazyBanner('.')},
  external: ['@napi-rs/keyring'],
  plugins: [largeLibraries(['zod', 'yaml', 'ioredis'])],
})
finishBundle('dist/chunks/alert-fast.cjs')

// The fast path (bin/run.js runs a plain line of any command without oclif): the command classes again, with
// '@oclif/core' mapped to commands/support/oclif-lite.ts (plain flag definitions and a Command that runs a parsed
// line as oclif's does), loaded as the CLI bundle is, with a code cache of its own.
const oclifLite = {
  name: 'oclif-lite',
  setup(build) {
    build.onResolve({filter: /^@oclif\/core$/}, () => ({path: join(process.cwd(), 'commands/support/oclif-lite.ts')}))
  },
}
await build({
  ...SCRIPT_BUNDLE,
  entryPoints: {fast: 'commands/fast.ts'},
  outdir: 'dist/chunks',
  banner: {js: lazyBanner('.')},
  define: NAMES_BUILD,
  external: ['@napi-rs/keyring'],
  plugins: [oclifLite, largeLibraries(COMMAND_LIBRARIES)],
})
finishBundle('dist/chunks/fast.cjs', {namesBuild: true})

// The fake Bot API, for `npm run demo` and the benchmarks: a user's machine needs no bot and no internet.
await build({
  entryPoints: {'fake-bot-api': 'test/fake-bot-api/server.ts'},
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
})

// The GitHub Action (action.yml runs it): committed, and checked against a fresh build by scripts/check-action-bundle.mjs.
await buildActionBundle()

execFileSync(process.execPath, ['node_modules/oclif/bin/run.js', 'manifest'], {
  stdio: ['ignore', 'ignore', 'inherit'],
  // The manifest needs no network: skip oclif's own update check.
  env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'},
})
// oclif reads the manifest at every start: in ASCII (its few other characters as \u escapes, which JSON.parse reads
// back the same), Node reads it without decoding UTF-8 and V8 parses one-byte text, ~5 M instructions a start less.
writeFileSync('oclif.manifest.json', escapeBeyondAscii(readFileSync('oclif.manifest.json', 'utf8')))

// Every command's help, as oclif prints it into a pipe (scripts/render-help.mjs): stdout a pipe, and an empty home
// and no variables of the user's, so that no terminal width, colour or theme gets into it.
const emptyHome = mkdtempSync(join(tmpdir(), 'fastpay-tg-help-'))
try {
  execFileSync(process.execPath, ['scripts/render-help.mjs'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {PATH: process.env.PATH, HOME: emptyHome, XDG_CONFIG_HOME: join(emptyHome, 'config')},
  })
} finally {
  rmSync(emptyHome, {recursive: true, force: true})
}

// Last, once the manifest is there: the code caches, made by this Node from runs of the frequent lines.
execFileSync(process.execPath, ['scripts/warm-code-cache.mjs'], {stdio: ['ignore', 'inherit', 'inherit'], env: {PATH: process.env.PATH}})
