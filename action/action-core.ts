import type * as actionsCore from '@actions/core'

/** The part of `@actions/core` the Action uses: tests and other runners can hand in their own. */
export type ActionCore = Pick<
  typeof actionsCore,
  'getInput' | 'setSecret' | 'setOutput' | 'info' | 'warning' | 'debug' | 'isDebug' | 'summary'
>
