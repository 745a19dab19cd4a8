// What a CLI door prints, and how, without oclif: BaseCommand uses it for every command, and the alert fast path
// (alert-fast.ts), which answers a plain `alert` before oclif loads, uses the same one, so both print alike.
import {describeFailure} from '../../src/describe-failure.js'
import {ExitCode, type ExitCodeValue, worstExitCode} from '../../src/exit-codes.js'
import {redact} from '../../src/redact.js'
import type {ChatDelivery} from '../../src/send/deliver.js'
import {colourOn, paint} from '../../src/support/terminal-style.js'
import type {DeliveryProgress} from './delivery-progress.js'

export interface DoorOutputOptions {
  /** True under `--json`: human lines are left out (warnings still go to stderr). */
  json: () => boolean
  /** The command's arguments: `--debug` among them turns on request traces and stack traces. */
  argv: () => readonly string[]
  /** Prints a `--json` document (the command's own logJson). */
  logJson: (json: unknown) => void
}

export class DoorOutput {
  /** Every warning printed, once each: `--json` output carries them under `warnings`. */
  readonly warnings: string[] = []

  constructor(private readonly options: DoorOutputOptions) {}

  /** Human output: suppressed under `--json`, always redacted. */
  log(message = ''): void {
    if (!this.options.json()) process.stdout.write(`${redact(message)}\n`)
  }

  /** One warning line on stderr (also under `--json`, whose stdout stays machine-readable), remembered once. */
  warnLine(message: string): void {
    process.stderr.write(`Warning: ${redact(message)}\n`)
    if (!this.warnings.includes(message)) this.warnings.push(message)
  }

  /** A `DEBUG`/`--debug` trace line for the API client; never carries the token. */
  get debugLine(): ((line: string) => void) | undefined {
    const enabled = this.options.argv().includes('--debug') || /(^|,)fastpay-tg(:|,|$)|^\*$/.test(process.env.DEBUG ?? '')
    return enabled ? (line: string) => process.stderr.write(`debug: ${redact(line)}\n`) : undefined
  }

  /** The redrawing `12/150 sent` line (see BaseCommand.deliveryProgress); none under --json. */
  async deliveryProgress(): Promise<DeliveryProgress | undefined> {
    if (this.options.json()) return undefined
    const {deliveryProgress} = await import('./delivery-progress.js')
    return deliveryProgress({stdout: process.stdout, stderr: process.stderr, env: process.env})
  }

  /** One line per chat; failures on stderr. The worst failure sets the exit code (see worstExitCode). */
  reportDeliveries(deliveries: readonly ChatDelivery[], what = 'sent'): Array<Omit<ChatDelivery, 'error'> & {error?: string}> {
    // On a terminal, the ok word green and the failed one red (see colourOn: never through a pipe, nor with NO_COLOR).
    const ok = paint(what, 'green', colourOn(process.stdout, process.env))
    const failure = paint('Error', 'red', colourOn(process.stderr, process.env))
    for (const delivery of deliveries) {
      if (delivery.ok) this.log(`${ok} to ${describeChat(delivery)}`)
      else process.stderr.write(`${failure}: ${delivery.chatId}: ${delivery.error.message}\n`)
    }
    this.exitWithWorst(deliveries)
    return deliveries.map((delivery) => ({...delivery, error: delivery.error?.message}))
  }

  /** Sets the exit code of the worst failure among `outcomes`, when one failed (see worstExitCode). */
  exitWithWorst(outcomes: ReadonlyArray<{ok: boolean; error?: {exitCode: number}}>): void {
    const worst = worstExitCode(outcomes.flatMap((outcome) => (outcome.error ? [outcome.error.exitCode] : [])))
    if (worst !== ExitCode.ok) process.exitCode = worst
  }

  /** What `--json` prints for a run's result: the result, plus every warning printed (see JsonEnvelope). */
  successJson<R>(result: R): R | (R & {warnings: string[]}) {
    if (this.warnings.length === 0 || result === null || typeof result !== 'object' || Array.isArray(result)) return result
    const own = (result as {warnings?: unknown}).warnings
    const warnings = Array.isArray(own) ? [...own] : []
    for (const line of this.warnings) if (!warnings.includes(line)) warnings.push(line)
    return {...result, warnings}
  }

  /** A failed run: its one line (or `{"error": …}` under --json), the stack under --debug; returns the exit code. */
  reportFailure(error: unknown): ExitCodeValue {
    const failure = describeFailure(error)
    if (this.options.json()) {
      this.options.logJson({error: {code: failure.code, message: failure.message, exitCode: failure.exitCode}})
    } else {
      process.stderr.write(`Error: ${failure.message}\n`)
    }
    const stack = error instanceof Error ? error.stack : undefined
    if (this.options.argv().includes('--debug') && stack) process.stderr.write(`${redact(stack)}\n`)
    return failure.exitCode
  }
}

/** `4242: message 7`; an upgraded group names its new id: `-4001 (now -100555): message 8`. */
function describeChat({chatId, migratedTo, messageIds}: {chatId: number | string; migratedTo?: number; messageIds: number[]}): string {
  const moved = migratedTo === undefined ? '' : ` (now ${migratedTo}${messageIds.length === 0 ? ', listed too: sent there once' : ''})`
  return `${chatId}${moved}${messageIds.length === 0 ? '' : `: message ${messageIds.join(', ')}`}`
}
