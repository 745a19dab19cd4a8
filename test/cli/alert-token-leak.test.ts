// `alert`, `alert flush` and `alert outbox` on their failure paths (refusals, Telegram down, bad config, a broken
// outbox) with and without --json and --debug: no piece of a token on stdout or stderr, nor in the outbox on disk.
// And a token quoted in an alert's own text is masked before it reaches the chat.
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import type {CliResult} from '../helpers/run-cli.js'
import {ALERTS_BOT, callsOf, closedApiRoot, DEPLOY_BOT, jsonOf, ON_CALL, OPS_FORUM, REVOKED_TOKEN, useCliWorld, writeRegistry} from './fixture.js'

const world = useCliWorld()
const T = ALERTS_BOT.token
const TOKENS = [T, DEPLOY_BOT.token, REVOKED_TOKEN]
const VARIANTS = [[], ['--json'], ['--debug'], ['--debug', '--json']]

const registry = (token = T) => `bots:\n  - name: alerts\n    id: 1\n    token: ${token}\n    chat_ids: [${OPS_FORUM.id}, ${ON_CALL.id}]\n`

/** Pieces of any token (8 characters or more of the part after the colon) found in the text. */
function tokenPieces(text: string): string[] {
  const found = new Set<string>()
  for (const token of TOKENS) {
    const secret = token.slice(token.indexOf(':') + 1)
    for (let start = 0; start + 8 <= secret.length; start++) {
      if (text.includes(secret.slice(start, start + 8))) found.add(secret.slice(start, start + 8))
    }
  }
  return [...found]
}

/**
 * Every variant of `args` must exit with `exitCode`, say something, and show no piece of a token. Flushes run one
 * after another: one running beside another may find the entry claimed and count it out (reported separately).
 */
async function expectNoLeaks(args: string[], exitCode: number, env: Record<string, string> = {}): Promise<CliResult[]> {
  const run = (variant: string[]) => world.run([...args, ...variant], {env})
  const results: CliResult[] = []
  if (args[1] === 'flush') for (const variant of VARIANTS) results.push(await run(variant))
  else results.push(...(await Promise.all(VARIANTS.map(run))))
  const problems = results.flatMap((result, index) => {
    const label = `${[...args, ...VARIANTS[index]!].join(' ')}`.replaceAll(T, '<token>')
    const found: string[] = []
    if (result.exitCode !== exitCode) found.push(`${label}: exit ${result.exitCode}, expected ${exitCode} (${result.stderr.split('\n')[0]})`)
    if (`${result.stdout}${result.stderr}`.trim() === '') found.push(`${label}: printed nothing`)
    for (const [stream, text] of Object.entries({stdout: result.stdout, stderr: result.stderr})) {
      if (tokenPieces(text).length > 0) found.push(`${label}: ${stream} holds a piece of a token: ${tokenPieces(text)[0]}`)
    }
    return found
  })
  expect(problems).toEqual([])
  return results
}

/** Everything the state dir holds, file by file. */
function stateFiles(dir = world.cli.stateDir): string {
  return readdirSync(dir, {recursive: true, withFileTypes: true})
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
    .join('\n')
}

describe('alert failure paths', () => {
  it('401 from a revoked registry token: refused, exit 1', async () => {
    writeRegistry(world.cli, registry(REVOKED_TOKEN))
    const [plain] = await expectNoLeaks(['alert', 'Disk full', '--throttle-seconds', '0'], 1)
    expect(plain!.stderr).toBe(
      [OPS_FORUM.id, ON_CALL.id].map((chat) => `Error: ${chat}: Call to 'sendMessage' failed (401: Unauthorized): the bot token is wrong (ask @BotFather)`).join('\n'),
    )
  })

  it('403 and 401 with --token', async () => {
    world.api.failNext({method: 'sendMessage', times: 100, kind: {status: 403}})
    await expectNoLeaks(['alert', 'Disk full', '--throttle-seconds', '0', '--token', T, '--chat', String(ON_CALL.id)], 1)
    await expectNoLeaks(['alert', 'Disk full', '--throttle-seconds', '0', '--token', REVOKED_TOKEN, '--chat', String(ON_CALL.id)], 1)
  })

  it('Telegram unreachable: spooled (exit 75); the outbox on disk holds no token either', async () => {
    writeRegistry(world.cli, registry())
    await expectNoLeaks(['alert', 'Disk full', '--throttle-seconds', '0'], 75, {TELEGRAM_API_BASE_URL: await closedApiRoot()})
    world.api.failNext({method: 'sendMessage', times: 1000, kind: {status: 500}})
    await expectNoLeaks(['alert', 'Disk full', '--throttle-seconds', '0', '--token', T, '--chat', String(ON_CALL.id)], 75)
    expect(readdirSync(join(world.cli.stateDir, 'outbox')).filter((name) => name.endsWith('.json'))).toHaveLength(8)
    expect(tokenPieces(stateFiles())).toEqual([])
  }, 90_000)

  it('bad config and bad input that carry the token', async () => {
    writeRegistry(world.cli, `bots:\n  - name: alerts\n    token: ${T}: ${T}\n    chat_ids: [42]\n`)
    await expectNoLeaks(['alert', 'Disk full'], 2)
    await expectNoLeaks(['alert', 'Disk full', '--token', T, '--chat', T], 2)
    await expectNoLeaks(['alert', 'Disk full', '--token', T, '--chat', '42', '--severity', T], 2)
    await expectNoLeaks(['alert', 'Disk full', '--token', T, '--chat', '42', '--field', T], 2)
    await expectNoLeaks(['alert', 'Disk full', '--token', T, '--chat', '42', '--template', join(world.cli.env.HOME!, T)], 2)
    // 20 CLI runs: the default 30 s ran out once with the machine's load average at 30.
  }, 90_000)
})

describe('alert flush and alert outbox failure paths', () => {
  it('the registry token was revoked since: flush keeps the alert (exit 75) and says why, without the token', async () => {
    writeRegistry(world.cli, registry())
    expect((await world.run(['alert', 'Disk full'], {env: {TELEGRAM_API_BASE_URL: await closedApiRoot()}})).exitCode).toBe(75)
    writeRegistry(world.cli, registry(REVOKED_TOKEN))
    // Alone first: flushes running at once share the entries, and only one of them reports it.
    expect(await world.run(['alert', 'flush'])).toEqual({
      stdout: '1 alert(s) still waiting',
      stderr: "Warning: bot alerts: Call to 'sendMessage' failed (401: Unauthorized): the bot token is wrong (ask @BotFather)",
      exitCode: 75,
    })
    await expectNoLeaks(['alert', 'flush'], 75)
    await expectNoLeaks(['alert', 'outbox'], 0)
    await expectNoLeaks(['alert', 'flush'], 75, {TELEGRAM_API_BASE_URL: await closedApiRoot()})
    writeRegistry(world.cli, `bots:\n  - name: alerts\n    token: ${T}: ${T}\n    chat_ids: [42]\n`)
    await expectNoLeaks(['alert', 'flush'], 75)
  }, 90_000)

  it('a --token alert flushed without its token waits; a broken outbox entry holding a token is reported without it', async () => {
    const spooled = await world.run(['alert', 'Disk full', '--token', T, '--chat', '42', '--json'], {env: {TELEGRAM_API_BASE_URL: await closedApiRoot()}})
    expect(spooled.exitCode).toBe(75)
    mkdirSync(join(world.cli.stateDir, 'outbox'), {recursive: true})
    writeFileSync(join(world.cli.stateDir, 'outbox', '000000000000001-1-deadbeef.json'), `{"token": "${T}", `)
    const flush = await world.run(['alert', 'flush', '--token', DEPLOY_BOT.token])
    expect([flush.stdout, flush.exitCode]).toEqual(['1 alert(s) still waiting', 75])
    expect(flush.stderr.split('\n').slice(-2)).toEqual([
      expect.stringMatching(/^Warning: outbox entry \S+\/000000000000001-1-deadbeef\.json was unreadable; set aside as \S+\/corrupt\/000000000000001-1-deadbeef\.json$/),
      "Warning: bot flag --token (bot 7012345678): its alerts go out only with its own token: pass bot 7012345678's token with --token",
    ])
    await expectNoLeaks(['alert', 'flush', '--token', DEPLOY_BOT.token], 75)
    const [listing] = await expectNoLeaks(['alert', 'outbox'], 0)
    expect(listing!.stdout).toMatch(/^\S+ {2}bot flag --token \(bot 7012345678\) {2}chats 42 {2}attempts \d+ {2}❌ Disk full\n/)
    expect(callsOf(world.api, 'sendMessage')).toEqual([])
    expect((jsonOf(spooled) as {bot: string}).bot).toBe('flag --token (bot 7012345678)')
  }, 90_000)
})

describe('a token quoted in the alert itself', () => {
  it('is masked in the text sent, in the outbox and in the output', async () => {
    const args = ['alert', `token ${T} leaked`, '--token', T, '--chat', String(ON_CALL.id), '--field', `config=${DEPLOY_BOT.token}`, '--body', '-', '--json']
    const sent = await world.run(args, {input: `Authorization: bot${REVOKED_TOKEN}\n`})
    expect(sent.exitCode).toBe(0)
    expect(tokenPieces(sent.stdout + sent.stderr)).toEqual([])
    const text = callsOf(world.api, 'sendMessage')[0]!.params.text as string
    expect(tokenPieces(text)).toEqual([])
    expect(text).toMatch(/^❌ <b>token 7012345678:AA…1U leaked<\/b>\n<b>config<\/b>: 6098765432:AA…y8\n\nAuthorization: bot4000000001:AA…f2\n/)
    const spooled = await world.run(args.map((arg) => arg.replace('leaked', 'spooled')), {
      input: `Authorization: bot${REVOKED_TOKEN}\n`,
      env: {TELEGRAM_API_BASE_URL: await closedApiRoot()},
    })
    expect(spooled.exitCode).toBe(75)
    expect(tokenPieces(spooled.stdout + spooled.stderr + stateFiles())).toEqual([])
  })
})
