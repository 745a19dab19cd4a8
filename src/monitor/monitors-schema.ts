import {z} from 'zod'

import {SEVERITIES} from '../alert/severity.js'
import {BOT_NAME} from '../config/constants.js'
import {CHECK_NAME, CHECK_TYPES} from './check-spec.js'
import {DURATION_EXPECTED, looksLikeDuration, parseDurationMs} from '../support/duration.js'

// Imported lazily with the monitors file. Messages finish the sentence "<file>: <path>: ...".

const EXPECTED_STRING = 'expected a string'
const EXPECTED_POSITIVE = 'expected a positive integer'
export const HTTP_URL_EXPECTED = 'expected an http:// or https:// URL'
const ENV_REFERENCE = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/

const required = (what: string) => (issue: {input?: unknown}) =>
  issue.input === undefined ? `required: ${what}` : EXPECTED_STRING

// Node's timers hold at most 2^31-1 ms (24.8 days) and silently fire after 1 ms beyond that: a longer timeout or
// interval would become "now". Spans that are never a timer (history, certificate expiry) may be longer.
const TIMER_MAX_MS = 24 * 86_400_000
const SPAN_MAX_MS = 36_500 * 86_400_000

const durationUpTo = (maxMs: number, max: string, {positive = false} = {}) =>
  z.unknown().transform((value, ctx) => {
    const ms = parseDurationMs(value)
    if (ms === undefined && !looksLikeDuration(value)) ctx.issues.push({code: 'custom', message: DURATION_EXPECTED, input: value})
    else if (ms === undefined || ms > maxMs) ctx.issues.push({code: 'custom', message: `expected a duration of at most ${max}`, input: value})
    else if (positive && ms === 0) ctx.issues.push({code: 'custom', message: 'expected a positive duration', input: value})
    else return ms
    return z.NEVER
  })
const duration = durationUpTo(TIMER_MAX_MS, '24d')
// An interval of 0 made `monitor watch` loop without a pause; a timeout of 0 failed every check at once, as would a
// max-latency of 0; a reminder-interval of 0 would remind at every pass.
const positiveDuration = durationUpTo(TIMER_MAX_MS, '24d', {positive: true})
const longDuration = durationUpTo(SPAN_MAX_MS, '36500d')

const positiveInteger = z.int({error: EXPECTED_POSITIVE}).positive({error: EXPECTED_POSITIVE})
const PORT_EXPECTED = 'expected a port (1-65535)'
const port = z.int({error: PORT_EXPECTED}).min(1, {error: PORT_EXPECTED}).max(65_535, {error: PORT_EXPECTED})
const text = z.string({error: EXPECTED_STRING})
const flag = z.boolean({error: 'expected true or false'})
const stringMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()], {error: EXPECTED_STRING}).transform(String), {
  error: 'expected a mapping of names to strings',
})

/** Settings a check may take from `defaults:`. */
const commonShape = {
  interval: positiveDuration.optional(),
  timeout: positiveDuration.optional(),
  'failure-threshold': positiveInteger.optional(),
  'success-threshold': positiveInteger.optional(),
  channel: text.regex(BOT_NAME, {error: 'expected a bot name: a letter, then letters, digits, _ . or -'}).optional(),
  'send-on-resolved': flag.optional(),
  'reminder-interval': positiveDuration.optional(),
  severity: z.enum(SEVERITIES, {error: `expected one of ${SEVERITIES.join(', ')}`}).optional(),
  throttle: duration.optional(),
  quorum: positiveInteger.optional(),
}

function strict<T extends z.core.$ZodLooseShape>(shape: T, expected: string) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`
        : `expected a mapping ${expected}`,
  })
}

const checkShape = {
  name: z.string({error: required('a name for the check')}).regex(CHECK_NAME, {
    error: 'expected a name: letters, digits, _ . or - (64 at most)',
  }),
  ...commonShape,
}

const httpStatus = z.int({error: 'expected an HTTP status (100-599)'}).min(100, {error: 'expected an HTTP status (100-599)'}).max(599, {error: 'expected an HTTP status (100-599)'})

const httpExpect = strict(
  {
    status: z.union([httpStatus, z.array(httpStatus).min(1)], {error: 'expected an HTTP status or a list of them'}).optional(),
    'body-contains': text.optional(),
    'json-path': text.regex(/^\$(\.[^.[\]]+|\[\d+\])*$/, {error: 'expected a path like $.status or $.checks[0].state'}).optional(),
    'json-equals': z.unknown().optional(),
    'max-latency': positiveDuration.optional(),
  },
  'of expectations (status, body-contains, json-path, json-equals, max-latency)',
).refine((expect) => expect['json-equals'] === undefined || expect['json-path'] !== undefined, {
  error: 'json-equals needs a json-path',
})

const http = strict(
  {
    ...checkShape,
    type: z.literal('http'),
    // A URL with `${VAR}` in it (`${HEALTH_URL}`, `http://${API_HOST}:${API_PORT}/`) is checked once filled in.
    url: z.string({error: required('the URL to request')}).refine((url) => isHttpUrl(url) || ENV_REFERENCE.test(url), {error: HTTP_URL_EXPECTED}),
    method: text.regex(/^[A-Za-z]+$/, {error: 'expected an HTTP method such as GET'}).optional(),
    headers: stringMap.optional(),
    body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())], {error: 'expected text, or a mapping sent as JSON'}).optional(),
    expect: httpExpect.optional(),
    'tls-verify': flag.optional(),
    ca: text.optional(),
  },
  'for an http check',
)

const tcp = strict(
  {
    ...checkShape,
    type: z.literal('tcp'),
    host: z.string({error: required('the host to connect to')}).min(1),
    port: z
      .int({error: (issue) => (issue.input === undefined ? 'required: the port to connect to' : PORT_EXPECTED)})
      .min(1, {error: PORT_EXPECTED})
      .max(65_535, {error: PORT_EXPECTED}),
  },
  'for a tcp check',
)

const RUN_EXPECTED = 'expected a command line, or a list [program, arg, ...]'
const command = strict(
  {
    ...checkShape,
    type: z.literal('command'),
    run: z.union([z.string().min(1, {error: RUN_EXPECTED}), z.array(z.string()).min(1, {error: RUN_EXPECTED})], {
      error: (issue) => (issue.input === undefined ? 'required: a command line, or a list [program, arg, ...]' : RUN_EXPECTED),
    }),
    cwd: text.optional(),
    env: stringMap.optional(),
    'inherit-env': flag.optional(),
    expect: strict(
      {
        'exit-code': z.int({error: 'expected an exit code (0-255)'}).min(0).max(255).optional(),
        'output-contains': text.optional(),
        'output-matches': text.refine(isRegExp, {error: 'expected a regular expression'}).optional(),
      },
      'of expectations (exit-code, output-contains, output-matches)',
    ).optional(),
  },
  'for a command check',
)

const tls = strict(
  {
    ...checkShape,
    type: z.literal('tls'),
    host: z.string({error: required('the host whose certificate to check')}).min(1),
    port: port.optional(),
    'expires-within': longDuration.optional(),
    'tls-verify': flag.optional(),
    ca: text.optional(),
  },
  'for a tls check',
)

const telegram = strict(
  {
    ...checkShape,
    type: z.literal('telegram'),
    bot: text.regex(BOT_NAME, {error: 'expected a bot name'}).optional(),
  },
  'for a telegram check',
)

export const UNKNOWN_CHECK_TYPE = 'unknown check type'

const check = z.discriminatedUnion('type', [http, tcp, command, tls, telegram], {
  error: (issue) => (issue.code === 'invalid_union' ? UNKNOWN_CHECK_TYPE : 'expected a mapping with name and type'),
})

export const monitorsFileSchema = strict(
  {
    defaults: strict(commonShape, 'of settings every check takes unless it sets its own').optional(),
    checks: z.array(check, {error: (issue) => (issue.input === undefined ? 'required: a list of checks' : 'expected a list of checks')}),
    concurrency: positiveInteger.optional(),
    'history-retention': longDuration.optional(),
    quorum: positiveInteger.optional(),
  },
  'with defaults and checks',
)

export type MonitorsFile = z.output<typeof monitorsFileSchema>
export type RawCheck = MonitorsFile['checks'][number]
export type RawCommon = NonNullable<MonitorsFile['defaults']>

export const KNOWN_CHECK_TYPES = CHECK_TYPES.join(', ')

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

function isRegExp(value: string): boolean {
  try {
    new RegExp(value)
    return true
  } catch {
    return false
  }
}
