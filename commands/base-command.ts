import {Command, Config, Flags, type Interfaces} from '@oclif/core'

import {checkBotFlag} from '../src/config/bot-flag.js'
import {redact} from '../src/redact.js'
import {jsonForRunnerLog} from '../src/support/runner-log.js'
import {startUsageStats} from '../src/usage/usage-tally.js'
import type {ChatDelivery} from '../src/send/deliver.js'
import type {DeliveryProgress} from './support/delivery-progress.js'
import {DoorOutput} from './support/door-output.js'

export type CommandFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type CommandArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** What `--json` prints for a run that returned `R`: the result, plus every warning the run printed. */
export type JsonEnvelope<R> = R extends object ? R & {warnings?: string[]} : R

/**
 * Every command: `--json`, the shared bot-selection flags, one-line errors with documented exit codes, and
 * redaction of anything that could carry a token on its way out. `R` is what `run()` returns: the `--json` output,
 * with the warnings printed on stderr carried under `warnings` (see JsonEnvelope).
 */
export abstract class BaseCommand<T extends typeof Command, R = unknown> extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    bot: Flags.string({description: 'Bot name or registry id (registry, then TELEGRAM_BOT_CONFIGS).', helpGroup: 'BOT'}),
    token: Flags.string({description: 'Bot token; overrides every config layer.', helpGroup: 'BOT'}),
    config: Flags.string({description: 'Bots registry file.', env: 'FASTPAY_TG_CONFIG', helpGroup: 'BOT'}),
    timeout: Flags.integer({description: 'Seconds to wait for each Telegram request before retrying.', default: 30, min: 1, max: 86_400, helpGroup: 'GLOBAL'}),
    debug: Flags.boolean({description: 'Print request traces and stack traces (redacted).', helpGroup: 'GLOBAL'}),
  }

  /**
   * oclif's run hands the command the Config it loaded (Config.runCommand), and Command.run would load a second
   * one from it at every start. With a loaded Config the command runs on it; anything else goes to oclif as before.
   */
  public static override async run<C extends Command>(
    this: new (argv: string[], config: Config) => C,
    argv: string[] = process.argv.slice(2),
    opts?: Interfaces.LoadOptions,
  ): Promise<ReturnType<C['run']>> {
    // biome-ignore lint/complexity/noThisInStatic: the command's own class, as in oclif's Command.run
    if (!(opts instanceof Config)) return Command.run.call(this, argv, opts) as Promise<ReturnType<C['run']>>
    const command = new this(argv, opts)
    // As Command.run names a command its class left without an id.
    // biome-ignore lint/complexity/noThisInStatic: the command's own class, as in oclif's Command.run
    if (!command.id) command.id = (this as unknown as {id?: string}).id = this.name.toLowerCase()
    return (command as unknown as {_run(): Promise<ReturnType<C['run']>>})._run()
  }

  public abstract override run(): Promise<R>

  protected flags!: CommandFlags<T>
  protected args!: CommandArgs<T>
  /** Every positional argument, flags and their values left out (a command with `strict = false` takes several). */
  protected positionals: string[] = []

  public override async init(): Promise<void> {
    await super.init()
    const {args, argv, flags, metadata} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: withoutStdinFallback(this.ctor.args),
      strict: this.ctor.strict,
    })
    this.flags = flags as CommandFlags<T>
    checkBotFlag((flags as {bot?: string}).bot)
    this.args = args as CommandArgs<T>
    this.positionals = argv as string[]
    for (const [name, flag] of Object.entries(metadata.flags)) if (flag?.setFromDefault) this.defaultedFlags.add(name)
    // Messages are counted per door: the command's topic (send, alert, deploy, digest, monitor, webhook; bots test is test).
    const topic = this.id?.split(':')[0]
    if (topic) startUsageStats(topic === 'bots' ? 'test' : topic)
  }

  private readonly defaultedFlags = new Set<string>()

  /** What this command prints, and how (shared with the alert fast path, which runs without oclif). */
  private readonly output = new DoorOutput({json: () => this.jsonEnabled(), argv: () => this.argv, logJson: (json) => this.logJson(json)})

  /** True when the user gave the flag (or its env variable), false when it holds its default. */
  public flagGiven(name: string): boolean {
    return !this.defaultedFlags.has(name) && (this.flags as Record<string, unknown>)[name] !== undefined
  }

  /** Human output: suppressed under `--json`, always redacted. */
  public override log(message = ''): void {
    this.output.log(message)
  }

  /**
   * One warning line on stderr (also under `--json`, whose stdout stays machine-readable), and carried by `--json`
   * output under `warnings` too, where scripts look.
   */
  public warnLine(message: string): void {
    this.output.warnLine(message)
  }

  /**
   * Warning lines held back until `release()`: a store's "using the file store until it is back" is not what happens
   * when the run then stops because the fleet's store does not answer.
   */
  protected heldWarnings(): {onWarning: (line: string) => void; release: () => void} {
    let held: string[] | undefined = []
    return {
      onWarning: (line) => {
        if (held) held.push(line)
        else this.warnLine(line)
      },
      release: () => {
        for (const line of held ?? []) this.warnLine(line)
        held = undefined
      },
    }
  }

  /** Warnings about the configuration a run resolved (the seed fallback, a readable registry): see warnLine. */
  public warnConfig(lines: readonly string[]): void {
    for (const line of lines) this.warnLine(line)
  }

  protected override toSuccessJson(result: R): JsonEnvelope<R> {
    return this.output.successJson(result) as JsonEnvelope<R>
  }

  /**
   * `12/150 sent` on one redrawing stderr line while chats are sent to, on a terminal only (not under --json): pass
   * its `chatDone` as `onChatDone`, and `end()` it before reporting.
   */
  public deliveryProgress(): Promise<DeliveryProgress | undefined> {
    return this.output.deliveryProgress()
  }

  /** What every command passes to `openBot`: request traces and the per-request timeout. */
  public get clientOptions(): {debug?: (line: string) => void; timeoutMs: number} {
    return {debug: this.debugLine, timeoutMs: this.flags.timeout * 1000}
  }

  /** The bot a run uses (`--config`, `--bot`, `--token`) and how its requests go, for openers such as openMonitorRuntime. */
  protected get botOptions(): {configPath?: string; bot?: string; token?: string; debug?: (line: string) => void; timeoutMs: number} {
    const {config, bot, token} = this.flags
    return {configPath: config, bot, token, ...this.clientOptions}
  }

  /** A `DEBUG`/`--debug` trace line for the API client; never carries the token. */
  protected get debugLine(): ((line: string) => void) | undefined {
    return this.output.debugLine
  }

  /** One line per chat; failures on stderr. The worst failure sets the exit code (see worstExitCode). */
  public reportDeliveries(deliveries: readonly ChatDelivery[], what = 'sent'): Array<Omit<ChatDelivery, 'error'> & {error?: string}> {
    return this.output.reportDeliveries(deliveries, what)
  }

  /**
   * Long-running commands (a server, a watch) answer `--json` with a stream of events, one JSON object a line
   * (`jsonEvent`), and print their error, if any, on one line too.
   */
  static jsonLines = false

  /** One event of a `jsonLines` command under `--json`: `{"event": name, "time": ISO 8601, ...fields}` on a line. */
  protected jsonEvent(event: string, fields: Record<string, unknown> = {}): void {
    if (this.jsonEnabled()) process.stdout.write(this.jsonEventLine(event, fields))
  }

  /** The line `jsonEvent` prints, for a command that gathers its events before writing them. */
  protected jsonEventLine(event: string, fields: Record<string, unknown> = {}): string {
    return `${jsonForRunnerLog(redact(JSON.stringify({event, time: new Date().toISOString(), ...fields})))}\n`
  }

  /** Sets the exit code of the worst failure among `outcomes`, when one failed (see worstExitCode). */
  protected exitWithWorst(outcomes: ReadonlyArray<{ok: boolean; error?: {exitCode: number}}>): void {
    this.output.exitWithWorst(outcomes)
  }

  protected override logJson(json: unknown): void {
    // A `jsonLines` command has printed its events already: it returns nothing more.
    if (json === undefined) return
    const indent = (this.ctor as typeof BaseCommand).jsonLines ? undefined : 2
    // A result may hold text from outside (a pull request title): in a GitHub Actions step it must stay text.
    process.stdout.write(`${jsonForRunnerLog(redact(JSON.stringify(json, null, indent)))}\n`)
  }

  protected override async catch(error: Interfaces.CommandError): Promise<never> {
    return this.exit(this.output.reportFailure(error))
  }
}

/**
 * oclif reads stdin (line by line, for 10 ms) for every argument left out: that swallows the start of a document
 * piped to `send --document -` and turns text meant for `--file -` into TEXT. Commands read stdin themselves.
 */
function withoutStdinFallback(args: Command['ctor']['args']): Command['ctor']['args'] {
  return Object.fromEntries(Object.entries(args ?? {}).map(([name, arg]) => [name, {...arg, ignoreStdin: true}]))
}
