// A command line read without oclif, for the fast path (commands/fast.ts): only lines whose meaning is beyond doubt,
// and those exactly as oclif's parser reads them. Anything else (help, a mistake, a short flag, `--`, a constraint
// between flags, an unusual form) gets `undefined`, and oclif parses the line as always, with its own errors and
// exit codes. test/cli/plain-line.test.ts holds this to oclif's parser, command by command, on the built bundles.

/** A flag as support/oclif-lite.ts defines it: oclif's options, plus `integer` for Flags.integer. */
export interface PlainFlag {
  type: 'boolean' | 'option'
  integer?: boolean
  multiple?: boolean
  multipleNonGreedy?: boolean
  default?: unknown
  env?: string
  options?: readonly string[]
  min?: number
  max?: number
  required?: boolean
  /** Flags this one cannot be given with (oclif's `exclusive`). */
  exclusive?: readonly string[]
}

export interface PlainArg {
  required?: boolean
  options?: readonly string[]
  default?: unknown
  multiple?: boolean
}

export interface PlainLine {
  flags: Record<string, unknown>
  args: Record<string, string | undefined>
  /** Flags oclif marks `setFromDefault`: not given, not read from their variable (BaseCommand.flagGiven). */
  defaulted: ReadonlySet<string>
}

/**
 * What oclif's parser does with these the fast path does not do: a flag that has one is left to oclif. (A `char` is
 * fine: short flags are oclif's.)
 */
const LEFT_TO_OCLIF = [
  'aliases',
  'charAliases',
  'allowNo',
  'allowStdin',
  'delimiter',
  'parse',
  'deprecated',
  'deprecateAliases',
  'dependsOn',
  'exactlyOne',
  'relationships',
  'combinable',
] as const

/**
 * `argv` (the command's words taken off) against the command's flags (its own, the base ones and `json`) and
 * arguments, reading flag variables from `env`; undefined when oclif must parse it.
 */
export function parsePlainLine(
  argv: readonly string[],
  flags: Readonly<Record<string, PlainFlag>>,
  args: Readonly<Record<string, PlainArg>>,
  env: NodeJS.ProcessEnv,
): PlainLine | undefined {
  if (!plainDefinitions(flags, args)) return undefined
  const argNames = Object.keys(args)
  const values: Record<string, unknown> = {}
  const given = new Set<string>()
  const argValues: Record<string, string | undefined> = {}
  let argCount = 0
  // After a multiple flag that takes every word up to the next flag (not multipleNonGreedy), oclif reads a word as
  // one more value of it, even past other flags.
  let greedy = false
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index]!
    if (!token.startsWith('-') || token === '-') {
      // One more argument than the command takes is oclif's "Unexpected argument" error.
      if (greedy || argCount >= argNames.length) return undefined
      argValues[argNames[argCount++]!] = token
      continue
    }
    // `--`, short flags, `--help`, `--no-…` of a flag without that name, and unknown flags are oclif's.
    if (!token.startsWith('--')) return undefined
    const equals = token.indexOf('=')
    const name = token.slice(2, equals === -1 ? undefined : equals)
    const flag = Object.hasOwn(flags, name) ? flags[name] : undefined
    if (flag === undefined) return undefined
    if (flag.type === 'boolean') {
      // `--flag=value` of a boolean flag: oclif reads `value` as an argument.
      if (equals !== -1 || given.has(name)) return undefined
      values[name] = true
      given.add(name)
      continue
    }
    const input = equals === -1 ? argv[++index] : token.slice(equals + 1)
    // A value that looks like a flag may be one (oclif then says the flag expects a value); a negative number (a
    // group's chat id) and `-` (stdin) are values to oclif, as no flag of ours has a one-letter name.
    if (input === undefined || (input.startsWith('-') && !/^-(\d|$)/.test(input))) return undefined
    if (!flag.multiple && given.has(name)) return undefined
    const value = optionValue(flag, input)
    if (value === undefined) return undefined
    values[name] = flag.multiple ? [...((values[name] as unknown[] | undefined) ?? []), value] : value
    given.add(name)
    greedy ||= Boolean(flag.multiple && !flag.multipleNonGreedy)
  }
  for (const name of argNames) if (args[name]!.required && argValues[name] === undefined) return undefined

  const defaulted = new Set<string>()
  for (const [name, flag] of Object.entries(flags)) {
    if (given.has(name)) continue
    const fromEnv = flag.env === undefined ? undefined : env[flag.env]
    if (fromEnv) {
      // oclif reads a boolean flag's variable as truthy or not; none of ours has one.
      if (flag.type === 'boolean') return undefined
      const value = optionValue(flag, fromEnv)
      if (value === undefined) return undefined
      values[name] = value
      continue
    }
    if (flag.required) return undefined
    // oclif marks these as set from their default, whether they have one or not.
    if (flag.type === 'boolean' || flag.env || flag.default !== undefined || 'defaultHelp' in flag) defaulted.add(name)
    if (flag.default !== undefined) values[name] = flag.default
  }
  // Two flags that exclude each other, both given (or read from their variables): oclif's error.
  const present = (name: string) => values[name] !== undefined && !defaulted.has(name)
  for (const [name, flag] of Object.entries(flags)) if (present(name) && flag.exclusive?.some(present)) return undefined
  return {flags: values, args: argValues, defaulted}
}

/** The definitions hold nothing that only oclif's parser handles (see LEFT_TO_OCLIF). */
function plainDefinitions(flags: Readonly<Record<string, PlainFlag>>, args: Readonly<Record<string, PlainArg>>): boolean {
  for (const flag of Object.values(flags)) {
    if (LEFT_TO_OCLIF.some((key) => (flag as unknown as Record<string, unknown>)[key] !== undefined)) return false
    if (typeof flag.default === 'function') return false
    if (flag.exclusive !== undefined && !(Array.isArray(flag.exclusive) && flag.exclusive.every((name) => typeof name === 'string'))) return false
  }
  return Object.values(args).every((arg) => arg.options === undefined && arg.default === undefined && !arg.multiple)
}

/** An option flag's value as oclif's Flags.string, Flags.option and Flags.integer give it; undefined for their errors. */
function optionValue(flag: PlainFlag, input: string): string | number | undefined {
  if (flag.options && !flag.options.includes(input)) return undefined
  if (!flag.integer) return input
  if (!/^-?\d+$/.test(input)) return undefined
  const value = Number.parseInt(input, 10)
  if ((flag.min !== undefined && value < flag.min) || (flag.max !== undefined && value > flag.max)) return undefined
  return value
}
