// The Action's entry (bundled to dist/action/index.js): everything happens in run(); this file only wires the
// toolkit in and turns whatever escapes into the step's one failure line.
import * as core from '@actions/core'
import {context} from '@actions/github'

import {failureText, run} from './run.js'

await run(core, {context}).catch((error: unknown) => core.setFailed(failureText(error)))
