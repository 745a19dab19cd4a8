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
