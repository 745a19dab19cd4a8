import {failedOf} from '../../src/describe-failure.js'
import {ExitCode, worstExitCode} from '../../src/exit-codes.js'
import type {WebhookOutcome} from '../../src/webhook/register.js'

interface Printer {
  log(message?: string): void
}

/**
 * One block per bot (`alerts: webhook set` and the getWebhookInfo lines); failures as one line on stderr. The worst
 * failure sets the exit code: unreachable (3) outranks refused (1) and bad config (2).
 */
export async function reportOutcomes(printer: Printer, outcomes: WebhookOutcome[], done: string | ((outcome: WebhookOutcome) => string)): Promise<WebhookOutcome[]> {
  const {describeWebhookInfo} = await import('../../src/webhook/describe-webhook-info.js')
  for (const outcome of outcomes) {
    if (!outcome.ok) {
      process.stderr.write(`Error: ${outcome.bot}: ${outcome.error.message}\n`)
      continue
    }
    printer.log(`${outcome.bot}: ${typeof done === 'string' ? done : done(outcome)}`)
    if (typeof done === 'string' && outcome.info) for (const line of describeWebhookInfo(outcome.info, outcome.kept)) printer.log(`  ${line}`)
  }
  const worst = worstExitCode(failedOf(outcomes).map((outcome) => outcome.error.exitCode))
  if (worst !== ExitCode.ok) process.exitCode = worst
  return outcomes
}
