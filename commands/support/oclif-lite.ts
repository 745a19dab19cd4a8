// What the command classes use of @oclif/core, for the fast path's bundle (scripts/build.mjs maps '@oclif/core' to
// this file there; the CLI bundle has the real one): flags and arguments as plain definitions, and a Command that
// runs a plain line (support/plain-line.ts) the way oclif's Command runs a parsed one. Loading oclif and its config
// costs a start about as much as Node's own start; this costs next to nothing. The types stay oclif's: the commands
// are written, and type-checked, against oclif.
import {type PlainArg, type PlainFlag, type PlainLine, parsePlainLine} from './plain-line.js'

type Options = Record<string, unknown>

export const Flags = {
  string: (options: Options = {}): PlainFlag => ({...options, type: 'option'}),
  integer: (options: Options = {}): PlainFlag => ({...options, type: 'option', integer: true}),
  boolean: (options: Options = {}): PlainFlag => ({...options, type: 'boolean'}),
  // As oclif's: a function that makes the flag (`Flags.option({...})()`), for its typed options.
  option:
    (options: Options = {}) =>
    (more: Options = {}): PlainFlag => ({...options, ...more, type: 'option'}),
}

export const Args = {
  string: (options: Options = {}): PlainArg => ({...options}),
}

/** oclif's `--json`, added to a command with enableJsonFlag. */
const JSON_FLAG: PlainFlag = {type: 'boolean'}

/** Not a plain line: nothing has run yet, and oclif must run it (commands/fast.ts). */
export class NotPlain extends Error {}

/** As oclif's ExitError: `this.exit(code)` ends the run with that code (commands/fast.ts exits with it). */
export class ExitError extends Error {
  readonly code = 'EEXIT'
  readonly oclif: {exit: number}
  constructor(exit: number) {
    super(`EEXIT: ${exit}`)
    this.oclif = {exit}
  }
}

/** `help` is in the command list but always oclif's (fast.ts): its class loads, and never runs here. */
export async function loadHelpClass(): Promise<never> {
  throw new NotPlain()
}

/** BaseCommand checks for oclif's loaded Config: the fast path has none (it calls `_run` itself). */
export class Config {}

interface ParseOptions {
  flags?: Record<string, PlainFlag>
  baseFlags?: Record<string, PlainFlag>
  enableJsonFlag?: boolean
  args?: Record<string, PlainArg>
}

/** A command class's flags as oclif's parser gets them: its base flags, its own, and `--json` when enabled. */
export function allFlags(options: ParseOptions): Record<string, PlainFlag> {
  return {...options.baseFlags, ...options.flags, ...(options.enableJsonFlag ? {json: JSON_FLAG} : {})}
}

/**
 * The parts of oclif's Command the commands use, doing what oclif's does for a line parsePlainLine reads. Every
 * command extends BaseCommand, which prints (log, logJson, toSuccessJson) and reports a failure (catch) itself.
 */
export abstract class Command {
  static id: string | undefined
  static flags: Record<string, PlainFlag> = {}
  static baseFlags: Record<string, PlainFlag> = {}
  static args: Record<string, PlainArg> = {}
  static strict = true
  static enableJsonFlag = false

  id: string | undefined

  constructor(
    public argv: string[],
    public config: unknown,
  ) {
    this.id = this.ctor.id
  }

  get ctor(): typeof Command {
    return this.constructor as typeof Command
  }

  abstract run(): Promise<unknown>
  protected abstract catch(error: Error): Promise<unknown>
  protected abstract logJson(json: unknown): void
  protected abstract toSuccessJson(result: unknown): unknown

  /**
   * As oclif's `_run`: init (which parses), run, catch, then the result under --json. (What oclif does before it,
   * commands/fast.ts has done: startLikeOclif.)
   */
  async _run(): Promise<unknown> {
    let result: unknown
    try {
      await this.init()
      result = await this.run()
    } catch (caught) {
      if (caught instanceof NotPlain) throw caught
      await this.catch(caught as Error)
    }
    if (result && this.jsonEnabled()) this.logJson(this.toSuccessJson(result))
    return result
  }

  async init(): Promise<void> {}

  async parse(options: ParseOptions): Promise<{flags: PlainLine['flags']; args: PlainLine['args']; metadata: {flags: Record<string, {setFromDefault: true}>}}> {
    const line = parsePlainLine(this.argv, allFlags(options), options.args ?? {}, process.env)
    if (line === undefined) throw new NotPlain()
    const metadata = Object.fromEntries([...line.defaulted].map((name) => [name, {setFromDefault: true as const}]))
    return {flags: line.flags, args: line.args, metadata: {flags: metadata}}
  }

  /** As oclif's: `--json` before any `--` on a command that takes it (FASTPAY_TG_CONTENT_TYPE leaves a line to oclif). */
  jsonEnabled(): boolean {
    if (!this.ctor.enableJsonFlag) return false
    const json = this.argv.indexOf('--json')
    const dashes = this.argv.indexOf('--')
    return json !== -1 && (dashes === -1 || json < dashes)
  }

  exit(code = 0): never {
    throw new ExitError(code)
  }
}
