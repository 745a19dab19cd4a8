import type {Severity} from '../alert/severity.js'
import {redact} from '../redact.js'
import {type CheckSecret, maskUserinfo} from './check-secrets.js'

/** What every check has, after the file's `defaults:` and the built-in defaults were applied. */
export interface CheckCommon {
  name: string
  /** The monitors file it came from, for messages. */
  source: string
  /** How often `monitor watch` runs it. @default 60_000 */
  intervalMs: number
  /** The whole check (connect, answer, body) must finish within this. @default 10_000 */
  timeoutMs: number
  /** Failing results in a row before the check is down and alerts. @default 3 */
  failureThreshold: number
  /** Passing results in a row before a down check is up again. @default 1 */
  successThreshold: number
  /** The bot (by name) its alerts go to; config resolves it like `alert --channel`. @default 'health' */
  channel: string
  /** Alert when it is up again, saying how long it was down. @default true */
  sendOnResolved: boolean
  /** While down, a reminder at most this often; undefined sends none. @default undefined */
  reminderIntervalMs?: number
  /** @default 'error' */
  severity: Severity
  /** At most one down (or up) alert per this window, through the alert throttle (for flapping checks). @default 0 */
  throttleMs: number
  /** On a shared store, hosts that must see a failure in the same interval before it counts. @default 1 */
  quorum?: number
  /** Values from `${VAR}` and URL userinfo: masked in results and output (check-secrets.ts). @default none */
  secrets?: readonly CheckSecret[]
}

export interface HttpExpect {
  /** Accepted statuses. @default any 2xx */
  status?: number[]
  bodyContains?: string
  /** `$.checks[0].status`: where `jsonEquals` is looked for in a JSON body. */
  jsonPath?: string
  jsonEquals?: unknown
  maxLatencyMs?: number
}

export interface HttpCheck extends CheckCommon {
  type: 'http'
  url: string
  /** The URL as shown: `${VAR}` references unfilled, userinfo masked. @default url */
  shownUrl?: string
  /** @default 'GET' */
  method: string
  headers: Record<string, string>
  body?: string
  expect: HttpExpect
  /** Refuse certificates that do not verify. @default true */
  tlsVerify: boolean
  /** Extra trusted CA certificates (PEM), read when the file was loaded. */
  ca?: string
}

export interface TcpCheck extends CheckCommon {
  type: 'tcp'
  host: string
  port: number
}

export interface CommandCheck extends CheckCommon {
  type: 'command'
  /** A program and its arguments, or one shell command line. */
  run: string[] | string
  /** @default the monitors file's directory */
  cwd: string
  /** Added to the minimal environment (PATH, HOME, LANG), or to the whole of ours with `inheritEnv`. */
  env: Record<string, string>
  /** Run with this process's whole environment (the bot token included) instead of a minimal one. @default false */
  inheritEnv?: boolean
  expect: {
    /** @default 0 */
    exitCode: number
    outputContains?: string
    outputMatches?: string
  }
}

export interface TlsCheck extends CheckCommon {
  type: 'tls'
  host: string
  /** @default 443 */
  port: number
  /** Fails when the certificate expires within this. @default 14 days */
  expiresWithinMs: number
  /** @default true */
  tlsVerify: boolean
  ca?: string
}

export interface TelegramCheck extends CheckCommon {
  type: 'telegram'
  /** One bot by name; @default every active bot */
  bot?: string
}

export type CheckSpec = HttpCheck | TcpCheck | CommandCheck | TlsCheck | TelegramCheck

export type CheckType = CheckSpec['type']

/** Check names: they appear in alerts, throttle keys and the history. */
export const CHECK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

export const CHECK_TYPES: readonly CheckType[] = ['http', 'tcp', 'command', 'tls', 'telegram']

/** A monitors file (or a directory of them) as loaded. */
export interface MonitorConfig {
  /** The files read, as the user named them. */
  sources: string[]
  checks: CheckSpec[]
  /** Checks running at once in a pass. @default 50 */
  concurrency: number
  /** History older than this is deleted by `monitor run`. @default 14 days */
  historyRetentionMs: number
}

export const DEFAULT_CONCURRENCY = 50
export const DEFAULT_HISTORY_RETENTION_MS = 14 * 86_400_000

/** One line naming what a check looks at: `http GET https://api.example.com/health`. Redacted. */
export function describeTarget(check: CheckSpec): string {
  // Built from what the file says (`${VAR}` unfilled, userinfo masked), so no secret of the file is in it.
  return redact(targetOf(check))
}

function targetOf(check: CheckSpec): string {
  switch (check.type) {
    case 'http':
      return `http ${check.method} ${check.shownUrl ?? maskUserinfo(check.url)}`
    case 'tcp':
      return `tcp ${check.host}:${check.port}`
    case 'command':
      return `command ${typeof check.run === 'string' ? check.run : check.run.join(' ')}`
    case 'tls':
      return `tls ${check.host}:${check.port}`
    case 'telegram':
      return `telegram ${check.bot ?? 'every active bot'}`
  }
}
