import {performance} from 'node:perf_hooks'

import {redact} from '../../redact.js'
import {maskSecrets} from '../check-secrets.js'
import type {CheckSpec} from '../check-spec.js'
import {type CheckOutcome, type CheckResult, fail} from '../check-result.js'
import {formatSpan} from '../../support/duration.js'
import {runCommandCheck} from './command-check.js'
import {runHttpCheck} from './http-check.js'
import {describeNetworkError} from './network-error.js'
import {runTcpCheck} from './tcp-check.js'
import type {TelegramProbe} from './telegram-check.js'
import {runTlsCheck} from './tls-check.js'

export interface CheckContext {
  /** The pass's clock: result times, certificate expiry. @default Date.now */
  now?: () => number
  /** Cancels checks in flight. */
  signal?: AbortSignal
  /** Runs `telegram` checks; without it they fail saying so. */
  telegram?: TelegramProbe
}

/** Runs one check within its timeout. Never throws: whatever goes wrong is a failing result that says what. */
export async function runCheck(check: CheckSpec, context: CheckContext = {}): Promise<CheckResult> {
  const now = context.now ?? Date.now
  const startedAt = now()
  const started = performance.now()
  const deadline = new AbortController()
  // The race guards against a probe that would not honour the signal. The timer ends it directly rather than through
  // a listener on the signal: a pass of 1,000 checks adds 1,000 listeners less (Node's EventTarget is not cheap).
  let expire!: (reason: Error) => void
  const expired = new Promise<never>((_resolve, reject) => {
    expire = reject
  })
  const timer = setTimeout(() => {
    const reason = new Error(`timed out after ${formatSpan(check.timeoutMs)}`)
    deadline.abort(reason)
    expire(reason)
  }, check.timeoutMs)
  const signal = context.signal ? AbortSignal.any([deadline.signal, context.signal]) : deadline.signal
  const guards = context.signal ? [expired, aborted(context.signal)] : [expired]
  let outcome: CheckOutcome
  try {
    outcome = await Promise.race([probe(check, signal, now, context.telegram), ...guards])
  } catch (error) {
    outcome = fail(signal.aborted ? reasonOf(signal) : describeNetworkError(error))
  } finally {
    clearTimeout(timer)
  }
  // What a check saw goes into alerts, the state file and the history: a token or a secret of the file must not.
  const clean = (text: string) => redact(maskSecrets(text, check.secrets))
  const output = outcome.output === undefined ? {} : {output: clean(outcome.output)}
  return {...outcome, message: clean(outcome.message), ...output, startedAt, durationMs: Math.round(performance.now() - started)}
}

function probe(check: CheckSpec, signal: AbortSignal, now: () => number, telegram: TelegramProbe | undefined): Promise<CheckOutcome> {
  switch (check.type) {
    case 'http':
      return runHttpCheck(check, signal)
    case 'tcp':
      return runTcpCheck(check, signal)
    case 'command':
      return runCommandCheck(check, signal)
    case 'tls':
      return runTlsCheck(check, signal, now())
    case 'telegram':
      return telegram ? telegram(check, signal) : Promise.resolve(fail('telegram checks are not available here'))
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason)
    else signal.addEventListener('abort', () => reject(signal.reason), {once: true})
  })
}

function reasonOf(signal: AbortSignal): string {
  const reason: unknown = signal.reason
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message
  return 'cancelled'
}
