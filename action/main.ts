// The Action's entry (bundled to dist/action/index.js): everything happens in run(); this file only wires the
// toolkit in and turns whatever escapes into the step's one failure line. The run comes from the GITHUB_* variables
// (githubRunFromEnv, as for the CLI), read inside run(): @actions/github's context would parse the event file at
// import, where a broken file can only be a stack trace.
import * as core from '@actions/core'

import {githubRunFromEnv} from '../src/deploy/index.js'
import {failureText, run} from './run.js'

await run(core, () => githubRunFromEnv(process.env)).catch((error: unknown) => core.setFailed(failureText(error)))
