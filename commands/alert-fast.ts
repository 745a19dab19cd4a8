// The alert fast path, a bundle entry of its own (scripts/build.mjs): bin/run.js calls it for `alert …` before
// loading the CLI. A plain command line (see parseAlertLine) runs here, without oclif, through the same runAlert and
// the same door output as the Alert command; anything else returns false, and oclif runs the command as always.
import {redact} from '../src/redact.js'
import {startUsageStats} from '../src/usage/usage-tally.js'
import {parseAlertLine} from './support/alert-argv.js'
import {DoorOutput} from './support/door-output.js'
import {startLikeOclif} from './support/start-like-oclif.js'

/** Runs `argv` (`alert`, then the rest) when it is a plain alert; false when oclif must run it. */
export async function runAlertFast(argv: readonly string[]): Promise<boolean> {
  const parsed = parseAlertLine(argv, process.env)
  if (parsed === undefined) return false
  startLikeOclif()
  startUsageStats('alert')

  const {flags, args, given, json} = parsed
  // As BaseCommand.logJson prints it: indented, redacted.
  const logJson = (value: unknown) => process.stdout.write(`${redact(JSON.stringify(value, null, 2))}\n`)
  const output = new DoorOutput({json: () => json, argv: () => argv, logJson})
  const door = {
    log: (message?: string) => output.log(message),
    warnLine: (message: string) => output.warnLine(message),
    warnConfig: (lines: readonly string[]) => {
      for (const line of lines) output.warnLine(line)
    },
    flagGiven: (name: string) => given.has(name),
    clientOptions: {debug: output.debugLine, timeoutMs: flags.timeout * 1000},
    deliveryProgress: () => output.deliveryProgress(),
    reportDeliveries: (deliveries: Parameters<DoorOutput['reportDeliveries']>[0]) => output.reportDeliveries(deliveries),
  }
  const {runAlert} = await import('./support/alert-run.js')
  try {
    const result = await runAlert(door, flags, args)
    if (json) logJson(output.successJson(result))
  } catch (error) {
    // As oclif ends a failed command: its one line, then exit at once with its code.
    process.exit(output.reportFailure(error))
  }
  return true
}
