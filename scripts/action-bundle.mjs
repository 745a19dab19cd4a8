// The GitHub Action's bundle, dist/action/: self-contained ES modules (index.js, and chunks/ beside it), because the
// runner starts it from a plain checkout with no node_modules. Shared by scripts/build.mjs and
// scripts/check-action-bundle.mjs so that the check rebuilds with exactly the options of the build.
import {build} from 'esbuild'
import {readdirSync, rmSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

import {ZOD_ENTRY} from './lazy-require-plugin.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/**
 * The Action uses the toolkit's workflow commands, never its HTTP client, which would bring its own copy of undici
 * (about 0.9 MB) into the bundle and into every start: `@actions/core`'s OIDC helper (`getIDToken`, the only user of
 * `@actions/http-client`) becomes a stub that throws. (The run context is read by githubRunFromEnv, not
 * `@actions/github`.)
 */
const slimToolkitPlugin = {
  name: 'slim-actions-toolkit',
  setup(build) {
    build.onResolve({filter: /^\.\/oidc-utils\.js$/}, (args) =>
      /[\\/]@actions[\\/]core[\\/]/.test(args.importer) ? {path: 'oidc-utils', namespace: 'slim-toolkit'} : undefined,
    )
    build.onLoad({filter: /^oidc-utils$/, namespace: 'slim-toolkit'}, () => ({
      contents: `export class OidcClient {\n  static getIDToken() {\n    throw new Error('getIDToken is not bundled in this action')\n  }\n}\n`,
      loader: 'js',
    }))
  },
}

/**
 * `zod` as the sources use it (ZOD_ENTRY), for a registry the plain reader leaves to it: the whole package, every
 * locale with it, was most of the Action's start when its inputs were read with zod.
 */
const usedZodPlugin = {
  name: 'used-zod',
  setup(build) {
    build.onResolve({filter: /^zod$/}, (args) => (args.namespace === 'used-zod' ? undefined : {path: 'zod', namespace: 'used-zod'}))
    build.onLoad({filter: /.*/, namespace: 'used-zod'}, () => ({contents: ZOD_ENTRY, resolveDir: ROOT, loader: 'js'}))
  },
}

// Bundled CommonJS modules (undici, tunnel, ...) call require() for Node's built-ins.
const REQUIRE_SHIM = "import {createRequire as __fastpayCreateRequire} from 'node:module'; const require = __fastpayCreateRequire(import.meta.url);"

/**
 * Writes the bundle into `outdir` (relative to the repository root, or absolute), emptied first so that no chunk of
 * an older build stays beside it. Deterministic: the same sources and esbuild version give the same bytes wherever
 * the checkout lives. What a run may not need (the registry's YAML parser, the Redis store, ioredis) is split into
 * chunks that load on first use, and the code is minified: a start parses every byte it loads, and the Action's
 * start was 637 M instructions with one 1.7 MB file, against about 416 M split and minified (cachegrind, a
 * `started` notice to the fake Bot API).
 */
export async function buildActionBundle(outdir = 'dist/action') {
  rmSync(join(ROOT, outdir), {recursive: true, force: true})
  await build({
    absWorkingDir: ROOT,
    entryPoints: {index: 'action/main.ts'},
    outdir,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    sourcemap: false,
    // Licences of the bundled packages, kept at the end of each file that holds them.
    legalComments: 'eof',
    banner: {js: REQUIRE_SHIM},
    // Native, so it cannot be bundled: in the Action a keychain token fails with "keychain unavailable".
    external: ['@napi-rs/keyring'],
    logLevel: 'warning',
    plugins: [slimToolkitPlugin, usedZodPlugin],
  })
}

/** The bundle's files under `dir`, as sorted paths relative to it. */
export function bundleFiles(dir) {
  return readdirSync(dir, {recursive: true, withFileTypes: true})
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort()
}
