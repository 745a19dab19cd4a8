import {readFile} from 'node:fs/promises'
import {validateHeaderName, validateHeaderValue} from 'node:http'
import {isAbsolute, resolve} from 'node:path'

import type {Env} from '../config/paths.js'
import {UserError} from '../user-error.js'
import type {CheckCommon, CheckSpec} from './check-spec.js'
import {type CheckSecret, envReferences, expandReferences, maskQuerySecrets, maskUserinfo, userinfoSecrets} from './check-secrets.js'
import {HTTP_URL_EXPECTED, isHttpUrl, type RawCheck, type RawCommon} from './monitors-schema.js'

export interface NormalizeContext {
  /** `monitors.yml: checks[2]`, for messages. */
  where: string
  source: string
  /** Relative paths (`cwd`, `ca`) are read from here: the monitors file's directory. */
  baseDir: string
  env: Env
}

/**
 * Applies `defaults:` and the built-in defaults, reads CA files, and fills `${VAR}` references in URLs, headers,
 * a command's `env:` and the host of a tcp or tls check. The values filled in (hosts aside), a URL's userinfo and
 * its query values named like keys become the check's `secrets`, masked in all it shows.
 */
export async function normalizeCheck(raw: RawCheck, defaults: RawCommon, context: NormalizeContext): Promise<CheckSpec> {
  const pick = <K extends keyof RawCommon>(key: K): RawCommon[K] => raw[key] ?? defaults[key]
  const common: CheckCommon = {
    name: raw.name,
    source: context.source,
    intervalMs: pick('interval') ?? 60_000,
    timeoutMs: pick('timeout') ?? 10_000,
    failureThreshold: pick('failure-threshold') ?? 3,
    successThreshold: pick('success-threshold') ?? 1,
    channel: pick('channel') ?? 'health',
    sendOnResolved: pick('send-on-resolved') ?? true,
    reminderIntervalMs: pick('reminder-interval'),
    severity: pick('severity') ?? 'error',
    throttleMs: pick('throttle') ?? 0,
    ...(pick('quorum') === undefined ? {} : {quorum: pick('quorum')}),
  }
  const {where, env, baseDir} = context
  const secrets: CheckSecret[] = []
  const expand = (text: string, field: string) =>
    expandReferences(text, env, secrets, (name) => {
      throw new UserError(`${field}: \${${name}} is not set`)
    })
  // A host is an address, not a secret: filled in without being masked. An empty one is localhost to node: a
  // check of `DB_HOST=` would pass on whatever listens on this machine.
  const expandHost = (host: string) => {
    const filled = expandReferences(host, env, [], (name) => {
      throw new UserError(`${where}.host: \${${name}} is not set`)
    })
    const from = envReferences(host)
    if (filled.trim() === '') throw new UserError(`${where}.host: ${from ? `${from} is empty` : 'expected a host name or address'}`)
    return filled
  }
  switch (raw.type) {
    case 'http': {
      const headers = Object.fromEntries(
        Object.entries(raw.headers ?? {}).map(([name, value]) => [name, validHeader(name, expand(value, `${where}.headers.${name}`), `${where}.headers.${name}`)]),
      )
      const url = expand(raw.url, `${where}.url`)
      // The value filled in may hold a key: the message names the references, never what they held.
      if (!isHttpUrl(url)) throw new UserError(`${where}.url: ${HTTP_URL_EXPECTED} once filled in from ${envReferences(raw.url)}`)
      secrets.push(...userinfoSecrets(url))
      const query = maskQuerySecrets(maskUserinfo(raw.url))
      secrets.push(...query.secrets)
      let body: string | undefined
      if (typeof raw.body === 'string') body = raw.body
      else if (raw.body !== undefined) {
        body = JSON.stringify(raw.body)
        if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json'
      }
      const status = raw.expect?.status
      return {
        ...common,
        type: 'http',
        url,
        shownUrl: query.shown,
        secrets,
        method: (raw.method ?? 'GET').toUpperCase(),
        headers,
        ...(body === undefined ? {} : {body}),
        expect: {
          ...(status === undefined ? {} : {status: Array.isArray(status) ? status : [status]}),
          ...(raw.expect?.['body-contains'] === undefined ? {} : {bodyContains: raw.expect['body-contains']}),
          ...(raw.expect?.['json-path'] === undefined ? {} : {jsonPath: raw.expect['json-path'], jsonEquals: raw.expect['json-equals']}),
          ...(raw.expect?.['max-latency'] === undefined ? {} : {maxLatencyMs: raw.expect['max-latency']}),
        },
        tlsVerify: raw['tls-verify'] ?? true,
        ...(raw.ca === undefined ? {} : {ca: await readCa(raw.ca, `${where}.ca`, baseDir)}),
      }
    }
    case 'tcp':
      return {...common, type: 'tcp', host: expandHost(raw.host), port: raw.port}
    case 'command':
      return {
        ...common,
        type: 'command',
        run: raw.run,
        cwd: raw.cwd === undefined ? baseDir : resolveFrom(baseDir, raw.cwd),
        env: Object.fromEntries(Object.entries(raw.env ?? {}).map(([name, value]) => [name, expand(value, `${where}.env.${name}`)])),
        inheritEnv: raw['inherit-env'] ?? false,
        secrets,
        expect: {
          exitCode: raw.expect?.['exit-code'] ?? 0,
          ...(raw.expect?.['output-contains'] === undefined ? {} : {outputContains: raw.expect['output-contains']}),
          ...(raw.expect?.['output-matches'] === undefined ? {} : {outputMatches: raw.expect['output-matches']}),
        },
      }
    case 'tls':
      return {
        ...common,
        type: 'tls',
        host: expandHost(raw.host),
        port: raw.port ?? 443,
        expiresWithinMs: raw['expires-within'] ?? 14 * 86_400_000,
        tlsVerify: raw['tls-verify'] ?? true,
        ...(raw.ca === undefined ? {} : {ca: await readCa(raw.ca, `${where}.ca`, baseDir)}),
      }
    case 'telegram':
      return {...common, type: 'telegram', ...(raw.bot === undefined ? {} : {bot: raw.bot})}
  }
}

/**
 * A header Node would refuse to send failed the check at every run, a down alert for a typo in the file: refused
 * here instead. The value is never in the message (it may be a key).
 */
function validHeader(name: string, value: string, field: string): string {
  try {
    validateHeaderName(name)
  } catch {
    throw new UserError(`${field}: expected a header name: letters, digits and !#$%&'*+-.^_\`|~ only`)
  }
  try {
    validateHeaderValue(name, value)
  } catch {
    throw new UserError(`${field}: expected a header value on one line, without control characters`)
  }
  return value
}

function resolveFrom(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path)
}

async function readCa(path: string, where: string, baseDir: string): Promise<string> {
  try {
    return await readFile(resolveFrom(baseDir, path), 'utf8')
  } catch (error) {
    throw new UserError(`${where}: cannot read ${JSON.stringify(path)} (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
}
