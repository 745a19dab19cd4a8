// The fast path, a bundle entry of its own (scripts/build.mjs builds it with '@oclif/core' mapped to
// support/oclif-lite.ts): bin/run.js hands it a line before loading oclif. A plain line of a command (see
// parsePlainLine) runs here, through the same command class, BaseCommand and door output as under oclif; anything
// else returns false before anything ran, and oclif runs the line as always. Loading oclif and its config was more
// than half of what a start of `config show` or `bots list` cost beyond Node's own.
import {redact} from '../src/redact.js'
import {COMMANDS} from './all-commands.js'
import {OCLIF_VARIABLES} from './support/alert-argv.js'
import {allFlags, ExitError, type Command as LiteCommand, NotPlain} from './support/oclif-lite.js'
import {parsePlainLine} from './support/plain-line.js'
import {startLikeOclif} from './support/start-like-oclif.js'

// For test/cli/plain-line.test.ts, which holds the built fast path to oclif's parser.
export {allFlags, COMMANDS, parsePlainLine}

/**
 * Commands that need oclif's config (help, the command list). A command that takes any words (`monitor exec --
 * CMD`, strict = false) is oclif's too.
 */
const OCLIF_ONLY = new Set(['help', 'version', 'completion'])

/** A command class as the fast path builds it: its statics, and a constructor (BaseCommand's subclasses are concrete). */
type CommandClass = Pick<typeof LiteCommand, 'flags' | 'baseFlags' | 'args' | 'strict' | 'enableJsonFlag'> &
  (new (argv: string[], config: unknown) => LiteCommand)

/** Runs `argv` when it is a plain line of a command; false when oclif must run it. */
export async function runFast(argv: readonly string[]): Promise<boolean> {
  if (OCLIF_VARIABLES.some((name) => process.env[name])) return false
  const found = plainCommand(argv)
  if (found === undefined) return false
  startLikeOclif()
  const command = new found.Command(found.argv, undefined)
  // As oclif names a command by its id in the command list.
  command.id = found.id
  try {
    await command._run()
  } catch (error) {
    // The command's own parse read the line otherwise than plainCommand did: nothing ran yet, oclif's to run.
    if (error instanceof NotPlain) return false
    // As oclif's handle: BaseCommand reports a failure and exits with its code; anything else is printed as is.
    if (error instanceof ExitError) process.exit(error.oclif.exit)
    process.stderr.write(`${redact(error instanceof Error ? String(error.stack) : String(error))}\n`)
    process.exit(1)
  }
  // As oclif's flush: the last output is written before the process ends.
  await new Promise<void>((resolve) => (process.stdout.write('') ? resolve() : process.stdout.once('drain', resolve)))
  return true
}

/** The command of a plain line, and its arguments (the command's words taken off); undefined when not plain. */
export function plainCommand(argv: readonly string[]): {id: string; Command: CommandClass; argv: string[]} | undefined {
  const [first = '', second = ''] = argv
  const id = Object.hasOwn(COMMANDS, `${first}:${second}`) ? `${first}:${second}` : first
  if (!Object.hasOwn(COMMANDS, id) || OCLIF_ONLY.has(id)) return undefined
  const Command = COMMANDS[id as keyof typeof COMMANDS] as unknown as CommandClass
  if (Command.strict === false) return undefined
  const rest = argv.slice(id.split(':').length)
  if (parsePlainLine(rest, allFlags(Command), Command.args, process.env) === undefined) return undefined
  return {id, Command, argv: rest}
}
