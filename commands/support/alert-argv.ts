// A plain `alert` command line, parsed without oclif, for the fast path (alert-fast.ts): cron jobs and scripts run
// `alert` often, and loading oclif would more than double its cost. Only lines whose meaning is beyond doubt are
// parsed here; anything else (help, --json, --debug, a mistake, an unusual form) gets `undefined`, and oclif parses
// it as always, with its own errors and exit codes. What is parsed comes out as oclif's parser gives it; `--json`
// (a boolean no run reads: it asks for JSON output) comes out as `json`.
// test/cli/alert-fast-argv.test.ts holds FLAGS to Alert's flag definitions.
import type {AlertFlags} from './alert-run.js'

export interface FlagSpec {
  type: 'string' | 'integer' | 'boolean'
  multiple?: boolean
  default?: string | number
  /** Read from this variable when the flag is not given and the variable is not empty (as oclif does). */
  env?: string
  min?: number
  max?: number
}

/** `alert`'s flags and the shared ones, as declared on the Alert command and BaseCommand (minus --json, --debug). */
export const FLAGS: Readonly<Record<string, FlagSpec>> = {
  severity: {type: 'string', default: 'error'},
  field: {type: 'string', multiple: true},
  body: {type: 'string'},
  'max-bytes': {type: 'integer', min: 1},
  channel: {type: 'string', default: 'alerts'},
  chat: {type: 'string', multiple: true},
  'throttle-key': {type: 'string'},
  'throttle-seconds': {type: 'integer', min: 0},
  template: {type: 'string'},
  buttons: {type: 'string'},
  silent: {type: 'boolean'},
  'no-host': {type: 'boolean'},
  'dry-run': {type: 'boolean'},
  'state-dir': {type: 'string', env: 'FASTPAY_TG_STATE_DIR'},
  bot: {type: 'string'},
  token: {type: 'string'},
  config: {type: 'string', env: 'FASTPAY_TG_CONFIG'},
  timeout: {type: 'integer', default: 30, min: 1, max: 86_400},
}

/** `alert WORD` where `alert:WORD` is a command (`alert flush`): oclif runs that command, not an alert. */
export const ALERT_SUBCOMMANDS: readonly string[] = ['flush', 'outbox']

/**
 * Variables that change what oclif prints or how it runs (debug output, --json by environment): with any of them
 * set, oclif runs the command.
 */
export const OCLIF_VARIABLES: readonly string[] = ['DEBUG', 'FASTPAY_TG_DEBUG', 'FASTPAY_TG_CONTENT_TYPE', 'CLI_FLAGS_DEBUG']

export interface ParsedAlertLine {
  flags: AlertFlags
  args: {title: string}
  /** Flags given on the line or by their variable (not defaulted): BaseCommand.flagGiven. */
  given: ReadonlySet<string>
  /** `--json` was given: the result (or the error) is printed as JSON. */
  json: boolean
}

/** `argv` as bin/run.js gets it (`alert`, then the rest); undefined when oclif must parse it. */
export function parseAlertLine(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedAlertLine | undefined {
  if (argv[0] !== 'alert' || ALERT_SUBCOMMANDS.includes(argv[1] ?? '')) return undefined
  if (OCLIF_VARIABLES.some((name) => env[name])) return undefined
  const values: Record<string, string | number | boolean | string[]> = {}
  const given = new Set<string>()
  let title: string | undefined
  let json = false
  for (let index = 1; index < argv.length; index++) {
    const token = argv[index]!
    if (!token.startsWith('-')) {
      // A second argument is oclif's "Unexpected argument" error.
      if (title !== undefined) return undefined
      title = token
      continue
    }
    // `-`, `--`, short flags, --debug, --help, --no-…, unknown flags: oclif's.
    if (!token.startsWith('--')) return undefined
    if (token === '--json') {
      json = true
      continue
    }
    const equals = token.indexOf('=')
    const name = token.slice(2, equals === -1 ? undefined : equals)
    const spec = Object.hasOwn(FLAGS, name) ? FLAGS[name] : undefined
    if (spec === undefined) return undefined
    if (spec.type === 'boolean') {
      if (equals !== -1) return undefined
      values[name] = true
      given.add(name)
      continue
    }
    let input: string | undefined
    if (equals === -1) input = argv[++index]
    else input = token.slice(equals + 1)
    // A value that may be a flag (`--silent`, `-h`) is oclif's to judge; `-` (stdin) and a negative number (a group's
    // chat id) are values to oclif too, as no flag of alert has a one-letter name. So is a repeated single flag.
    if (input === undefined || (input.startsWith('-') && !/^-(\d|$)/.test(input))) return undefined
    if (!spec.multiple && given.has(name)) return undefined
    const value = spec.type === 'integer' ? integerValue(input, spec) : input
    if (value === undefined) return undefined
    if (spec.multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), value as string]
    else values[name] = value
    given.add(name)
  }
  // No title is oclif's "Missing 1 required arg" error.
  if (title === undefined) return undefined
  for (const [name, spec] of Object.entries(FLAGS)) {
    if (given.has(name)) continue
    const fromEnv = spec.env === undefined ? undefined : env[spec.env]
    if (fromEnv) {
      const value = spec.type === 'integer' ? integerValue(fromEnv, spec) : fromEnv
      if (value === undefined) return undefined
      values[name] = value
      given.add(name)
    } else if (spec.default !== undefined) {
      values[name] = spec.default
    }
  }
  return {flags: values as unknown as AlertFlags, args: {title}, given, json}
}

/** A whole number within the flag's bounds, as oclif's integer flag reads it; undefined for its error cases. */
function integerValue(input: string, spec: FlagSpec): number | undefined {
  if (!/^\d{1,15}$/.test(input)) return undefined
  const value = Number.parseInt(input, 10)
  if (spec.min !== undefined && value < spec.min) return undefined
  if (spec.max !== undefined && value > spec.max) return undefined
  return value
}
