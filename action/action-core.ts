import type * as actionsCore from '@actions/core'

import type {GitHubRun} from '../src/deploy/index.js'

/** The part of `@actions/core` the Action uses: tests and other runners can hand in their own. */
export type ActionCore = Pick<
  typeof actionsCore,
  'getInput' | 'setSecret' | 'setOutput' | 'info' | 'warning' | 'debug' | 'isDebug' | 'summary'
>

/** The part of `@actions/github` the Action uses: the run's context, not the REST client. */
export interface ActionGitHub {
  context: GitHubRun
}
