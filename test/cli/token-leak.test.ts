// The token travels in the URL path, so every failure is a chance to print it. Every command runs its failure paths
// (401, 403, 5xx until retries run out, connection refused, a webhook conflict, bad config, bad flags) with and
// without --json and with --debug, and neither stdout nor stderr may hold any piece of any token.
import {describe, expect, it} from 'vitest'

import type {FaultKind} from '../fake-bot-api/server.js'
import {type CliResult, createCliSandbox} from '../helpers/run-cli.js'
import {ALERTS_BOT, closedApiRoot, DEPLOY_BOT, HEALTH_BOT, ON_CALL, OPS_FORUM, REVOKED_TOKEN, startTestApi, writeRegistry} from './fixture.js'

const TOKENS = [ALERTS_BOT.token, DEPLOY_BOT.token, HEALTH_BOT.token, REVOKED_TOKEN]
const T = ALERTS_BOT.token
const SECRET = T.slice(T.indexOf(':') + 1)

/** Telegram's refusals run in every combination; slower or earlier failures with --debug, with and without --json. */
const EVERY_VARIANT = [[], ['--json'], ['--debug'], ['--debug', '--json']]
const DEBUG_VARIANTS = [['--debug'], ['--debug', '--json']]

const registry = (token = T) => `bots:\n  - name: alerts\n    id: 1\n    token: ${token}\n    chat_ids: [${OPS_FORUM.id}, ${ON_CALL.id}]\n`

/** Config that is wrong in ways that put the token next to the error. */
const BAD_CONFIG = {
  yamlSyntax: {registry: `bots:\n  - name: alerts\n    token: ${T}: ${T}\n    chat_ids: [42]\n`},
  yamlTypes: {registry: `bots:\n  - name: x${T}\n    id: ${T}\n    token: ${T}\n    chat_ids: [${T}]\n`},
  envJsonSecretUnquoted: {env: {TELEGRAM_BOT_CONFIGS: `[{"name":"alerts","token": ${SECRET}}]`}},
  envJsonSingleQuotes: {env: {TELEGRAM_BOT_CONFIGS: `[{"name":"alerts","token":'${T}'}]`}},
  envTypes: {env: {TELEGRAM_BOT_CONFIGS: JSON.stringify([{name: 'alerts', token: T, chat_ids: [T]}])}},
  envChatIds: {env: {TELEGRAM_BOT_TOKEN: T, TELEGRAM_CHAT_IDS: `42,${T}`}},
}

interface LeakCase {
  what: string
  args: string[]
  exitCode: number
  env?: Record<string, string>
  registry?: string
  /** Every call of `method` answers with this fault. */
  fault?: {method: string; kind: FaultKind}
  /** TELEGRAM_API_BASE_URL points at a port nobody listens on. */
  refused?: boolean
  webhook?: boolean
  variants?: string[][]
  /** What the command reads on stdin. @default nothing */
  input?: string
}

/** Pieces of any token (8 characters or more of the part after the colon) found in the text. */
function tokenPieces(text: string): string[] {
  const found = new Set<string>()
  for (const token of TOKENS) {
    const secret = token.slice(token.indexOf(':') + 1)
    for (let start = 0; start + 8 <= secret.length; start++) {
      const piece = secret.slice(start, start + 8)
      if (text.includes(piece)) found.add(piece)
    }
  }
  return [...found]
}

/**
 * A few CLI processes at a time: retries do not sleep here (FASTPAY_TG_RETRY_BASE_MS=0), so each process keeps a core
 * busy, and more than the machine's cores only add contention: alone on this 2-core machine the file took 18.8–19.3 s
 * and 26.8–27.2 CPU-s with 3 at a time, against 20.3 s and 29.3–29.6 CPU-s with 12.
 */
function limiter(concurrency: number) {
  let active = 0
  const waiting: Array<() => void> = []
  return async <R>(task: () => Promise<R>): Promise<R> => {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve))
    active++
    try {
      return await task()
    } finally {
      active--
      waiting.shift()?.()
    }
  }
}
const limit = limiter(3)
/** Cases of one command run together, and the retried ones sleep between attempts. */
const SLOW = 90_000

async function runCase(leak: LeakCase): Promise<Array<{label: string; result: CliResult}>> {
  const api = await startTestApi()
  const cli = createCliSandbox(api.url)
  try {
    if (leak.registry !== undefined) writeRegistry(cli, leak.registry)
    if (leak.fault) api.failNext({...leak.fault, times: 1000})
    if (leak.webhook) {
      await fetch(`${api.url}/bot${T}/setWebhook`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({url: 'https://hooks.example.com/tg'})})
    }
    const env = {...leak.env, ...(leak.refused ? {TELEGRAM_API_BASE_URL: await closedApiRoot()} : {})}
    const variants = leak.variants ?? EVERY_VARIANT
    return await Promise.all(
      variants.map(async (variant) => {
        const args = [...leak.args, ...variant]
        return {label: `${leak.what}: fastpay-tg ${args.join(' ').replaceAll(T, '<token>')}`, result: await limit(() => cli.run(args, {env, ...(leak.input === undefined ? {} : {input: leak.input})}))}
      }),
    )
  } finally {
    await api.close()
    cli.cleanup()
  }
}

/** Runs the cases and lists every run that failed otherwise than expected, said nothing, or showed a token piece. */
async function expectNoLeaks(cases: LeakCase[]): Promise<void> {
  const runs = await Promise.all(cases.map(async (leak) => ({leak, outcomes: await runCase(leak)})))
  const problems: string[] = []
  for (const {leak, outcomes} of runs) {
    for (const {label, result} of outcomes) {
      // The failure really happened, and said something: a run that printed nothing proves nothing.
      if (result.exitCode !== leak.exitCode) {
        problems.push(`${label}: exit ${result.exitCode}, expected ${leak.exitCode} (stderr: ${result.stderr.split('\n')[0]})`)
      }
      if (`${result.stdout}${result.stderr}`.trim() === '') problems.push(`${label}: printed nothing`)
      for (const [stream, text] of Object.entries({stdout: result.stdout, stderr: result.stderr})) {
        const pieces = tokenPieces(text)
        if (pieces.length > 0) problems.push(`${label}: ${stream} holds ${pieces.length} pieces of a token, e.g. ${pieces[0]}`)
      }
    }
  }
  expect(problems).toEqual([])
}

/**
 * The Telegram-side failures every command that calls Telegram goes through. Refusals run in every variant; the
 * retried failures (which sleep between attempts) with --debug, with and without --json.
 */
function telegramFailures(args: string[], method: string, options: {forbidden?: boolean; nginx?: boolean} = {}): LeakCase[] {
  const retried = {registry: registry(), variants: DEBUG_VARIANTS}
  const cases: LeakCase[] = [
    {what: '401', args, exitCode: 1, registry: registry(REVOKED_TOKEN)},
    {what: '5xx until retries run out', args, exitCode: 3, ...retried, fault: {method, kind: {status: 500}}},
    {what: 'connection refused', args, exitCode: 3, ...retried, refused: true},
  ]
  if (options.nginx) cases.push({what: 'nginx 502 until retries run out', args, exitCode: 3, ...retried, fault: {method, kind: {status: 502}}})
  if (options.forbidden) cases.push({what: '403', args, exitCode: 1, registry: registry(), fault: {method, kind: {status: 403}}})
  return cases
}

/** Bad config, read the same way by every command that resolves a bot: all of it for some, a sample for the rest. */
function configFailures(args: string[], sample?: Array<keyof typeof BAD_CONFIG>): LeakCase[] {
  return Object.entries(BAD_CONFIG)
    .filter(([what]) => sample === undefined || sample.includes(what as keyof typeof BAD_CONFIG))
    .map(([what, setup]) => ({what, args, exitCode: 2, variants: DEBUG_VARIANTS, ...setup}))
}
const SAMPLE: Array<keyof typeof BAD_CONFIG> = ['yamlTypes', 'envJsonSecretUnquoted']

describe.concurrent('no command prints the token, whatever fails', () => {
  it('send', async () => {
    await expectNoLeaks([
      ...telegramFailures(['send', '--bot', 'alerts', 'disk full on db-1'], 'sendMessage', {forbidden: true, nginx: true}),
      {what: '401 with --token', args: ['send', '--token', REVOKED_TOKEN, '--chat', '4242', 'hi'], exitCode: 1},
      {what: '5xx on upload', args: ['send', '--token', T, '--chat', '4242', '--document', '-', '--filename', 'x.csv'], input: 'host,disk\ndb-1,97%\n', exitCode: 3, fault: {method: 'sendDocument', kind: {status: 500}}, variants: DEBUG_VARIANTS},
      {what: 'refused, TELEGRAM_BOT_TOKEN', args: ['send', 'hi'], exitCode: 3, env: {TELEGRAM_BOT_TOKEN: T, TELEGRAM_CHAT_IDS: '4242'}, refused: true, variants: DEBUG_VARIANTS},
      {what: 'refused, DEBUG=fastpay-tg', args: ['send', 'hi'], exitCode: 3, env: {TELEGRAM_BOT_CONFIGS: JSON.stringify([{token: T, chat_ids: [4242]}]), DEBUG: 'fastpay-tg'}, refused: true, variants: [[], ['--json']]},
      {what: 'token as --chat', args: ['send', '--token', T, '--chat', T, 'hi'], exitCode: 2, variants: DEBUG_VARIANTS},
      {what: 'token as an extra argument', args: ['send', '--token', T, '--chat', '4242', 'hi', T], exitCode: 2, variants: DEBUG_VARIANTS},
      ...configFailures(['send', 'hi']),
    ])
  }, SLOW)

  it('bots validate', async () => {
    await expectNoLeaks([...telegramFailures(['bots', 'validate'], 'getMe'), ...configFailures(['bots', 'validate'], SAMPLE)])
  }, SLOW)

  it('bots sync-info', async () => {
    await expectNoLeaks([
      ...telegramFailures(['bots', 'sync-info', 'alerts'], 'getMe'),
      {what: '403 on getChat', args: ['bots', 'sync-info', 'alerts'], exitCode: 1, registry: registry(), fault: {method: 'getChat', kind: {status: 403, description: 'Forbidden: bot is not a member of the supergroup chat'}}},
      ...configFailures(['bots', 'sync-info', 'alerts'], SAMPLE),
    ])
  }, SLOW)

  it('bots test', async () => {
    await expectNoLeaks([
      ...telegramFailures(['bots', 'test', 'alerts'], 'sendMessage', {forbidden: true}),
      ...configFailures(['bots', 'test'], SAMPLE),
    ])
  }, SLOW)

  it('discover and discover --lookup', async () => {
    await expectNoLeaks([
      ...telegramFailures(['discover', '--bot', 'alerts'], 'getUpdates'),
      {what: 'webhook set', args: ['discover', '--token', T], exitCode: 2, webhook: true},
      {what: '403 on lookup', args: ['discover', '--token', T, '--lookup', '@fastpay_status'], exitCode: 1, fault: {method: 'getChat', kind: {status: 403, description: 'Forbidden: bot is not a member of the channel chat'}}},
      {what: 'lookup refused', args: ['discover', '--token', T, '--lookup', '42'], exitCode: 3, refused: true, variants: DEBUG_VARIANTS},
      ...configFailures(['discover'], SAMPLE),
    ])
  }, SLOW)

  it('config show, bots list', async () => {
    await expectNoLeaks([
      ...configFailures(['config', 'show']),
      ...configFailures(['bots', 'list'], SAMPLE),
      {what: 'unset ${VAR}', args: ['config', 'show'], exitCode: 2, registry: registry('${ALERTS_TOKEN}'), variants: DEBUG_VARIANTS},
      {what: 'token as an argument', args: ['config', 'show', T], exitCode: 2, variants: DEBUG_VARIANTS},
      {what: 'token as an argument', args: ['bots', 'list', T], exitCode: 2, variants: DEBUG_VARIANTS},
    ])
  }, SLOW)

  it('bots add, remove, enable, disable', async () => {
    await expectNoLeaks([
      {what: 'duplicate name', args: ['bots', 'add', 'alerts', '--token', DEPLOY_BOT.token], exitCode: 2, registry: registry(), variants: DEBUG_VARIANTS},
      {what: 'bad --chat', args: ['bots', 'add', 'payments', '--token', T, '--chat', T], exitCode: 2, variants: DEBUG_VARIANTS},
      {what: 'bad name', args: ['bots', 'add', `x${T}`, '--token', T, '--no-keychain'], exitCode: 2, variants: DEBUG_VARIANTS},
      {what: 'broken registry', args: ['bots', 'add', 'payments', '--token', DEPLOY_BOT.token], exitCode: 2, ...BAD_CONFIG.yamlSyntax, variants: DEBUG_VARIANTS},
      ...['remove', 'enable', 'disable'].flatMap((command): LeakCase[] => [
        {what: 'unknown bot', args: ['bots', command, 'payments'], exitCode: 2, registry: registry(), variants: DEBUG_VARIANTS},
        {what: 'token as the name', args: ['bots', command, T], exitCode: 2, registry: registry(), variants: DEBUG_VARIANTS},
        {what: 'broken registry', args: ['bots', command, 'alerts'], exitCode: 2, ...BAD_CONFIG.yamlTypes, variants: DEBUG_VARIANTS},
      ]),
    ])
  }, SLOW)
})

describe('--debug on success paths', () => {
  it('request traces and reports carry no token', async () => {
    await expectNoLeaks([
      {what: 'send', args: ['send', '--bot', 'alerts', '--button', 'Ack=ack', 'ok'], exitCode: 0, registry: registry()},
      {what: 'send a photo by URL', args: ['send', '--token', T, '--chat', '4242', '--photo', 'https://example.com/chart.png'], exitCode: 0},
      {what: 'config show', args: ['config', 'show'], exitCode: 0, registry: registry()},
      {what: 'bots list', args: ['bots', 'list'], exitCode: 0, registry: registry(), env: {TELEGRAM_BOT_TOKEN: DEPLOY_BOT.token}},
      {what: 'bots validate', args: ['bots', 'validate'], exitCode: 0, registry: registry()},
      {what: 'bots sync-info', args: ['bots', 'sync-info', 'alerts'], exitCode: 0, registry: registry()},
      {what: 'bots test', args: ['bots', 'test'], exitCode: 0, registry: registry()},
      {what: 'discover', args: ['discover', '--lookup', '@fastpay_status'], exitCode: 0, registry: registry()},
    ].map((leak) => ({...leak, variants: DEBUG_VARIANTS})))
  }, SLOW)
})
