// Edits to @oclif/core as bundled into dist/cli.cjs, each for start-up cost and each keeping what a user sees. The
// build fails when the text edited is not found (a new oclif): look again at what it does before adapting the edit.
import {readFile} from 'node:fs/promises'

const EDITS = [
  {
    // At load, oclif checks the running Node against the `engines` of the package.json one folder above its own
    // file. Bundled, that is dist/.. (ours); the check loads semver and parses its ranges at every start, about a
    // fifth of loading the bundle. The CLI has never printed this warning (in the ESM bundle the check threw, no
    // `__dirname` there, inside its own try), and npm warns about `engines` when installing.
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]index\.js$/,
    from: '\ncheckNodeVersion();\n',
    to: '\n',
  },
  {
    // The order oclif keeps a plugin's commands in, read from the manifest: sorted with localeCompare, whose first
    // call builds ICU's collator, about a tenth of a start. Nothing shows that order: oclif's help sorts commands and
    // topics again (by code point), this CLI's lists sort with localeCompare when they are printed, and a command is
    // found by its id. The ids, [a-z:-] only, come out in the same order by code point in the default collation.
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/,
    from: '.sort((a, b) => a.id.localeCompare(b.id));',
    to: '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));',
  },
  {
    // Each Config.load (twice a run: Command.run loads it again) makes a default logger, which loads the `debug`
    // package, before finding that a logger is set already and dropping it. It is made only when none is set; when
    // one is set, set() drops it unseen. (commands/index.ts sets a quiet logger when DEBUG is not set.)
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]logger\.js$/,
    from: `    else {
        set(makeLogger(OCLIF_NS));
    }`,
    to: `    else if (!cachedLoggers.has('root')) {
        set(makeLogger(OCLIF_NS));
    }`,
  },
]

export const oclifStartPlugin = {
  name: 'oclif-start',
  setup(build) {
    build.onLoad({filter: /[\\/]@oclif[\\/]core[\\/]lib[\\/].*\.js$/}, async (args) => {
      const edits = EDITS.filter((edit) => edit.file.test(args.path))
      if (edits.length === 0) return undefined
      let contents = await readFile(args.path, 'utf8')
      for (const edit of edits) {
        if (!contents.includes(edit.from)) return {errors: [{text: `oclif-start: ${JSON.stringify(edit.from)} not found in ${args.path}`}]}
        contents = contents.replace(edit.from, edit.to)
      }
      return {contents, loader: 'js'}
    })
  },
}
