// oclif's core requires every helper at load time, though `--version` or a `send` touches only a few. For the
// modules listed, the bundle gets a stand-in that loads the real module on first use, which keeps them off the
// start-up path of every command.
const STAND_IN = (realPath) => `
let real
const load = () => (real ??= require(${JSON.stringify(realPath)}))
// A function target, so default exports that are functions stay callable through the stand-in.
module.exports = new Proxy(function lazyModule() {}, {
  apply: (_target, thisArg, args) => load().apply(thisArg, args),
  // __importDefault asks for __esModule before anything is used: answer without loading (the modules listed
  // are all plain CommonJS, so the answer is the real one).
  get: (_target, key) => (key === '__esModule' ? undefined : load()[key]),
  has: (_target, key) => key in load(),
})
`

export function lazyRequirePlugin(moduleNames) {
  const filter = new RegExp(`^(${moduleNames.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`)
  return {
    name: 'lazy-require',
    setup(build) {
      build.onResolve({filter}, async (args) => {
        if (args.kind !== 'require-call' || args.pluginData?.real) return undefined
        const resolved = await build.resolve(args.path, {kind: 'require-call', resolveDir: args.resolveDir, pluginData: {real: true}})
        if (resolved.errors.length > 0) return {errors: resolved.errors}
        return {path: resolved.path, namespace: 'lazy-require'}
      })
      build.onLoad({filter: /.*/, namespace: 'lazy-require'}, (args) => ({contents: STAND_IN(args.path), loader: 'js', resolveDir: '/'}))
    },
  }
}
