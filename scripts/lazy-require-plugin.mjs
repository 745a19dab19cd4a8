// oclif's core requires every helper at load time, though `--version` or a `send` touches only a few. For the
// modules listed, the bundle gets a stand-in that loads the real module on first use, from a file of its own
// (dist/chunks/lazy/NAME-HASH.cjs, bundled separately): kept out of the bundle, it is neither read nor parsed by a
// start that never touches it. (Inside the bundle, a module that is never run is still parsed at every start.)
// With `eager`, for a bundle without chunks (the alert fast path), any import of the module (not only `require`) is
// the real module, loaded from its own file when the bundle's module that imports it first runs: an `import {z}`
// needs the real exports, which a stand-in cannot list before loading them.
import {build as esbuild} from 'esbuild'
import {createHash} from 'node:crypto'
import {join} from 'node:path'

import {finishBundle} from './finish-bundle.mjs'

const LAZY_DIR = 'lazy'

// `load` is the expression that loads the real module.
const STAND_IN = (load) => `
let real
const load = () => (real ??= ${load})
// A function target, so default exports that are functions stay callable through the stand-in.
module.exports = new Proxy(function lazyModule() {}, {
  apply: (_target, thisArg, args) => load().apply(thisArg, args),
  // __importDefault asks for __esModule before anything is used: answer without loading (the modules listed
  // are all plain CommonJS, so the answer is the real one).
  get: (_target, key) => (key === '__esModule' ? undefined : load()[key]),
  has: (_target, key) => key in load(),
})
`

/**
 * For a CommonJS bundle's banner: the lazy folder's absolute path, from the bundle's `__dirname` (`chunksDir`: the
 * chunks folder, relative to the bundle's folder: `chunks` for dist/cli.cjs, `.` for dist/chunks/alert-fast.cjs).
 * Absolute, because a stand-in's `require` may be another file's.
 */
export const lazyBanner = (chunksDir) =>
  `const __fastpayLazyDir = require('node:path').join(__dirname, '${chunksDir}', '${LAZY_DIR}/'); ${REQUIRE_LAZY}`

// How the bundle loads a lazy file: through bin/run.js's loader when bin/run.js loaded the bundle (`__fastpayLoad`, a
// parameter of its wrapper: the file compiles from its code cache, when the build made one), else `require`.
const REQUIRE_LAZY = "const __fastpayRequireLazy = (file) => (typeof __fastpayLoad == 'function' ? __fastpayLoad : require)(__fastpayLazyDir + file);"


let instances = 0

const namesFilter = (names) => new RegExp(`^(${names.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`)

/**
 * `moduleNames`: packages to load on first use, from a file of their own; `builtins`: Node modules (as required,
 * `node:readline`) to load on first use (oclif requires node:child_process for a Windows shell, node:readline for
 * stdin and node:perf_hooks for its opt-in timings, and each costs every start). `chunksDir`: where the bundle's
 * chunks go (the lazy files go in its `lazy/` folder). `entries`: for a package, the ES module its lazy file is built
 * from instead of the package (ZOD_ENTRY: only the parts of zod the sources use).
 */
export function lazyRequirePlugin(moduleNames, {builtins = [], chunksDir, eager = false, entries = {}}) {
  const filter = namesFilter(moduleNames)
  // One namespace per plugin: a bundle may use two (oclif's helpers as stand-ins, large libraries eager).
  const namespace = `lazy-require-${++instances}`
  // Resolved path of each real module → its file name; one file per resolved path (two versions stay two files).
  const files = new Map()
  return {
    name: 'lazy-require',
    setup(build) {
      build.onResolve({filter}, async (args) => {
        if ((args.kind !== 'require-call' && !eager) || args.pluginData?.real) return undefined
        const entry = entries[args.path]
        const resolved = entry
          ? {path: `entry:${args.path}`, errors: []}
          : await build.resolve(args.path, {kind: 'require-call', resolveDir: args.resolveDir, pluginData: {real: true}})
        if (resolved.errors.length > 0) return {errors: resolved.errors}
        if (!files.has(resolved.path)) files.set(resolved.path, `${args.path}-${createHash('sha256').update(resolved.path).digest('hex').slice(0, 8)}.cjs`)
        return {path: resolved.path, namespace}
      })
      build.onLoad({filter: /.*/, namespace}, (args) => {
        const load = `__fastpayRequireLazy(${JSON.stringify(files.get(args.path))})`
        return {contents: eager ? `module.exports = ${load}` : STAND_IN(load), loader: 'js', resolveDir: '/'}
      })
      if (builtins.length > 0) {
        build.onResolve({filter: namesFilter(builtins)}, (args) => (args.kind === 'require-call' ? {path: args.path, namespace: 'lazy-builtin'} : undefined))
        build.onLoad({filter: /.*/, namespace: 'lazy-builtin'}, (args) => ({contents: STAND_IN(`require(${JSON.stringify(args.path)})`), loader: 'js', resolveDir: '/'}))
      }
      build.onEnd(async (result) => {
        if (result.errors.length > 0) return
        await Promise.all(
          [...files].map(async ([path, file]) => {
            const outfile = join(chunksDir, LAZY_DIR, file)
            const entry = path.startsWith('entry:') ? entries[path.slice('entry:'.length)] : undefined
            await esbuild({
              ...(entry ? {stdin: {contents: entry, resolveDir: process.cwd(), sourcefile: path}} : {entryPoints: [path]}),
              outfile,
              bundle: true,
              platform: 'node',
              format: 'cjs',
              target: build.initialOptions.target,
              minify: build.initialOptions.minify,
              legalComments: 'none',
              logLevel: 'warning',
            })
            // Loaded as the bundles are (bin/run.js): its `import()` calls routed as theirs.
            finishBundle(outfile, {lazy: true})
          }),
        )
      })
    },
  }
}

/**
 * What the sources use of zod at run time, as `z` (the only name they import from it; `z.ZodError` and `z.ZodType`
 * appear in types only). Built from zod's ES modules, the lazy file holds these and what they need: the whole package
 * (every locale, JSON schema conversion, codecs) was 563 kB, and loading it about a third of a `send --bot` start. A
 * member missing here fails every test that builds a schema.
 */
export const ZOD_ENTRY = `import {array, boolean, discriminatedUnion, enum as enumOf, int, literal, looseObject, NEVER, number, object, record,
  strictObject, string, union, unknown} from 'zod'
export const z = {array, boolean, discriminatedUnion, enum: enumOf, int, literal, looseObject, NEVER, number, object, record,
  strictObject, string, union, unknown}
`
