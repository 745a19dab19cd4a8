// Builds the CLI as one ESM bundle (plus lazily loaded chunks) and the oclif manifest, so that start-up reads a
// handful of files instead of resolving hundreds of modules.
import {build} from 'esbuild'
import {execFileSync} from 'node:child_process'
import {rmSync} from 'node:fs'

import {buildActionBundle} from './action-bundle.mjs'
import {lazyRequirePlugin} from './lazy-require-plugin.mjs'

rmSync('dist/cli.js', {force: true})
rmSync('dist/chunks', {recursive: true, force: true})
rmSync('dist/fake-bot-api.js', {force: true})

const requireShim = "import {createRequire as __fastpayCreateRequire} from 'node:module'; const require = __fastpayCreateRequire(import.meta.url);"

await build({
  entryPoints: {cli: 'commands/index.ts'},
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  banner: {js: requireShim},
  // oclif probes for these to run TypeScript sources; a bundled CLI never does.
  external: ['typescript', 'ts-node', 'tsx', '@napi-rs/keyring'],
  logLevel: 'warning',
  plugins: [
    lazyRequirePlugin(['semver', 'debug', 'tinyglobby', 'lilconfig', 'ejs', 'cli-spinners', 'wrap-ansi', 'widest-line', 'string-width', 'indent-string', 'clean-stack']),
  ],
})

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
