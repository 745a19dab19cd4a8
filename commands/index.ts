// The CLI's single entry: every command class (all-commands.ts), for oclif's explicit command discovery, and the
// runner bin/ calls.
import {flush, handle, type Hook, type Interfaces, run as runOclif} from '@oclif/core'

import {redact} from '../src/redact.js'

export {COMMANDS} from './all-commands.js'
export {FastpayHelp} from './support/fastpay-help.js'

/**
 * oclif's `command_not_found` hook (named in package.json): a typo gets the likely commands, written as typed
 * (`bots list`), and exit code 2. Loaded only when a command is not found.
 */
export const commandNotFound: Hook<'command_not_found'> = async ({id, argv, config}) => {
  const {reportUnknownCommand} = await import('./support/unknown-command.js')
  reportUnknownCommand(id, argv ?? [], config)
}

/**
 * oclif logs through the `debug` package at every start, which prints only what DEBUG names; loading it costs a
 * start about as much as oclif's own config. Without DEBUG nothing oclif logs is printed: this logger prints
 * nothing too, and loads nothing. With DEBUG set (to anything), oclif's own logger as always.
 */
const QUIET_LOGGER: Interfaces.Logger = {
  debug: () => {},
  error: () => {},
  info: () => {},
  trace: () => {},
  warn: () => {},
  child: () => QUIET_LOGGER,
  namespace: 'oclif',
}

/** Runs a command line through oclif; `root` is the package's folder (bin/run.js's parent). */
export async function run(argv: string[], root: string): Promise<void> {
  try {
    await runOclif(argv, process.env.DEBUG ? root : {root, logger: QUIET_LOGGER})
    await flush()
  } catch (error) {
    // What fails outside a command (`config show <stray argument>` becomes "command config:show:<argument> not
    // found") is printed by oclif itself, quoting the arguments: one of them may be a token.
    await handle(scrubbed(error))
  }
}

function scrubbed(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(redact(String(error)))
  error.message = redact(error.message)
  if (error.stack) error.stack = redact(error.stack)
  return error
}
