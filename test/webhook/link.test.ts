// One-time link tokens end to end: `webhook link-token` stores a hash in the state store, a chat sends
// `/link TOKEN` to `webhook serve`, the store records the chat, an alert's lookup finds it, `/stop` forgets it.
// The registry file is never written.
import {createHash} from 'node:crypto'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {LinkedChat} from '../../src/store/link-store.js'
import {FileKeyValue} from '../../src/store/index.js'
import {openStore} from '../../src/store/select-store.js'
import {ALERTS_BOT, ANA, ANA_CHAT, BOB, BOB_CHAT, callsOf, expectUsageError, messageUpdate, readRegistry, REGISTRY, SECRET, useWorld, writeRegistry} from './fixture.js'
import {type ServeProcess, useServeProcesses} from './serve-process.js'

const world = useWorld()
const startServe = useServeProcesses()

const HEADER = {'X-Telegram-Bot-Api-Secret-Token': SECRET}
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/
const REGISTRY_WITH_COMMENT = REGISTRY.replace('bots:\n', '# ops bots, kept by hand\nbots:\n').replace('    id: 1\n', '    id: 1\n    info: {username: fastpay_alerts_bot}\n')

/** The chats linked to `channel` through `bot` (alerts by default), as the alert path reads them from the store. */
async function linkedChatsFor(channel: string, bot = 'alerts'): Promise<LinkedChat[]> {
  const store = await openStore({stateDir: world.cli.stateDir, configPath: world.cli.configPath, env: world.cli.env, onWarning: (line) => expect.fail(line)})
  try {
    return await store.links.chatsFor(channel, bot)
  } finally {
    await store.close()
  }
}

/** Every file the state dir holds, with its text. */
function stateFiles(dir = world.cli.stateDir): Array<{path: string; text: string}> {
  if (!existsSync(dir)) return []
  return readdirSync(dir, {withFileTypes: true, recursive: true})
    .filter((entry) => entry.isFile())
    .map((entry) => ({path: join(entry.parentPath, entry.name), text: readFileSync(join(entry.parentPath, entry.name), 'utf8')}))
}

interface LinkToken {
  token: string
  bot?: string
  channels: string[]
  expiresAt: string
  command: string
  deepLink?: string
}

async function newToken(args: string[]): Promise<LinkToken> {
  const result = await world.run(['webhook', 'link-token', '--json', ...args])
  expect(result.exitCode, result.stderr).toBe(0)
  return JSON.parse(result.stdout) as LinkToken
}

/** Sends `text` from `chat` and returns the bot's reply text. */
async function say(server: ServeProcess, updateId: number, chat: typeof ANA_CHAT | typeof BOB_CHAT, text: string): Promise<string> {
  const replied = / in chat -?\d+: replied$/
  const repliesBefore = server.countLines(replied)
  const from = chat.id === ANA_CHAT.id ? ANA : BOB
  expect(await server.post(1, messageUpdate(updateId, chat, from, text), HEADER)).toEqual({status: 200, text: ''})
  await server.waitForLine(replied, 'stdout', repliesBefore + 1)
  const calls = callsOf(world.api, 'sendMessage')
  expect(calls).toHaveLength(repliesBefore + 1)
  expect(calls.at(-1)!.params.chat_id).toBe(chat.id)
  return String(calls.at(-1)!.params.text)
}

describe('webhook link-token', () => {
  it('prints the /link command and a t.me link, and stores only the sha256, in the state store', async () => {
    writeRegistry(world.cli, REGISTRY_WITH_COMMENT)
    const result = await world.run(['webhook', 'link-token', '--bot', 'alerts', '--channels', 'alerts, Digest,alerts'])
    expect(result.exitCode, result.stderr).toBe(0)
    const lines = result.stdout.split('\n')
    const token = /^ {2}\/link ([A-Za-z0-9_-]{32})$/.exec(lines[2]!)![1]!
    expect(lines[0]).toMatch(/^Link token for bot alerts: channels alerts, digest; works once, until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\.$/)
    expect(lines.slice(1)).toEqual([
      'In the chat that should receive them, send the bot:',
      `  /link ${token}`,
      `or open https://t.me/fastpay_alerts_bot?start=${token}`,
      'Only its sha256 is kept, in the state store (~/state/fastpay-tg).',
    ])
    expect(readRegistry(world.cli)).toBe(REGISTRY_WITH_COMMENT)
    const files = stateFiles()
    expect(files.filter((file) => file.text.includes(token))).toEqual([])
    const stored = files.map((file) => JSON.parse(file.text) as {key?: string; value?: Record<string, unknown>}).find((file) => file.key?.startsWith('links/tokens/'))
    expect(stored?.key).toBe(`links/tokens/${sha256(token)}`)
    expect(stored?.value).toEqual({sha256: sha256(token), bot: 'alerts', channels: ['alerts', 'digest'], created_at: expect.stringMatching(ISO), expires_at: expect.stringMatching(ISO)})
    expect((Date.parse(String(stored!.value!.expires_at)) - Date.parse(String(stored!.value!.created_at))) / 1000).toBe(86_400)
    // Nothing an operator lists later shows it either.
    const listed = await world.run(['webhook', 'links', '--json'])
    expect([listed.exitCode, listed.stdout.includes(token)]).toEqual([0, false])
  })

  it('--ttl sets the expiry; --json gives the token and the command', async () => {
    writeRegistry(world.cli, REGISTRY)
    const link = await newToken(['--bot', 'deploy', '--channels', 'deploy', '--ttl', '30m'])
    expect(link).toEqual({token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/), bot: 'deploy', channels: ['deploy'], expiresAt: expect.stringMatching(ISO), command: `/link ${link.token}`})
    const createdAt = /"created_at":"([^"]+)"/.exec(stateFiles().map((file) => file.text).join('\n'))![1]!
    expect((Date.parse(link.expiresAt) - Date.parse(createdAt)) / 1000).toBe(1800)
  })

  it.each([
    [['--channels', 'alerts', '--ttl', 'soon'], 'Error: --ttl: expected a duration from 1m to 30d like 30m, 24h or 7d, got "soon"'],
    [['--channels', 'alerts', '--ttl', '31d'], 'Error: --ttl: expected a duration from 1m to 30d like 30m, 24h or 7d, got "31d"'],
    [['--channels', 'alerts,on call'], 'Error: --channels: "on call" is not a channel name (a letter, then letters, digits, _ . or -)'],
    [['--channels', ' , '], 'Error: --channels: expected channel names like alerts,digest'],
  ])('%j is one usage line and writes nothing', async (args, line) => {
    writeRegistry(world.cli, REGISTRY)
    expectUsageError(await world.run(['webhook', 'link-token', '--bot', 'alerts', ...args]), line)
    expect(readRegistry(world.cli)).toBe(REGISTRY)
    expect(stateFiles().filter((file) => file.text.includes('links/'))).toEqual([])
  })
})

describe('/link, /status and /stop through webhook serve', () => {
  it('links a chat once: valid, then used, then unknown; the alert lookup finds it; /stop forgets it', async () => {
    writeRegistry(world.cli, REGISTRY_WITH_COMMENT)
    const link = await newToken(['--bot', 'alerts', '--channels', 'alerts,digest'])
    const server = await startServe(world.cli, [], {TELEGRAM_WEBHOOK_SECRET: SECRET})

    expect(await say(server, 1, ANA_CHAT, `/link ${link.token}`)).toBe('Linked: this chat now receives alerts, digest. Send /stop to undo.')
    expect(readRegistry(world.cli)).toBe(REGISTRY_WITH_COMMENT)
    expect(stateFiles().map((file) => file.text).join('\n')).toMatch(/"used_at":"\S+Z","used_by_chat":4242/)
    expect(await linkedChatsFor('digest')).toEqual([{chat_id: 4242, bot: 'alerts', channels: ['alerts', 'digest'], linked_at: expect.stringMatching(ISO), linked_by: '@ana_oncall (id 4242)', title: 'Ana'}])
    expect(await linkedChatsFor('deploy')).toEqual([])
    expect(await linkedChatsFor('alerts', 'deploy')).toEqual([])

    expect(await say(server, 2, BOB_CHAT, `/link ${link.token}`)).toMatch(/^This link token was already used \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)\. Tokens work once: ask an operator for a new one\.$/)
    expect(await say(server, 3, BOB_CHAT, '/link AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBe('This link token is not known. Check it, or ask an operator for a new one (fastpay-tg webhook link-token).')
    expect(await say(server, 4, BOB_CHAT, '/link')).toBe('Usage: /link TOKEN (an operator creates one with: fastpay-tg webhook link-token)')

    const status = (await say(server, 5, ANA_CHAT, '/status')).split('\n')
    expect(status.slice(-2)).toEqual(['Linked chats: 1 (alerts: 1, digest: 1)', 'This chat receives: alerts (linked), digest (linked)'])

    expect(await say(server, 6, ANA_CHAT, '/stop')).toBe('Unlinked: this chat no longer receives alerts, digest.')
    expect(await linkedChatsFor('alerts')).toEqual([])
    expect(await say(server, 7, ANA_CHAT, '/stop')).toBe('This chat was not linked: nothing to stop.')
    expect(readRegistry(world.cli)).toBe(REGISTRY_WITH_COMMENT)
    const printed = `${server.stdout()}\n${server.stderr()}`
    expect(printed).not.toContain(link.token)
    expect(stateFiles().filter((file) => file.text.includes(link.token))).toEqual([])
  })

  it('/stop CHANNEL leaves that channel only; /status lists what stays; /stop then leaves the rest', async () => {
    writeRegistry(world.cli, REGISTRY)
    const link = await newToken(['--bot', 'alerts', '--channels', 'alerts,digest'])
    const server = await startServe(world.cli, [], {TELEGRAM_WEBHOOK_SECRET: SECRET})
    expect(await say(server, 1, ANA_CHAT, `/link ${link.token}`)).toBe('Linked: this chat now receives alerts, digest. Send /stop to undo.')
    expect(await say(server, 2, ANA_CHAT, '/stop Digest')).toBe('Unlinked: this chat no longer receives digest.')
    expect(await linkedChatsFor('digest')).toEqual([])
    expect((await linkedChatsFor('alerts')).map((chat) => [chat.chat_id, chat.channels])).toEqual([[4242, ['alerts']]])
    expect((await say(server, 3, ANA_CHAT, '/status')).split('\n').slice(-2)).toEqual(['Linked chats: 1 (alerts: 1)', 'This chat receives: alerts (linked)'])
    expect(await say(server, 4, ANA_CHAT, '/stop deploy')).toBe('This chat is not linked to deploy: nothing to stop. /status shows what it receives.')
    expect(await say(server, 5, ANA_CHAT, '/stop')).toBe('Unlinked: this chat no longer receives alerts.')
    expect(await linkedChatsFor('alerts')).toEqual([])
  })

  it('webhook links lists linked chats (--bot filters); webhook unlink CHAT [--channel C] removes them; bad input is one line', async () => {
    const linked = (chat: number, bot: string, channels: string) => `  - chat_id: ${chat}\n    bot: ${bot}\n    channels: [${channels}]\n    linked_at: 2025-01-01T10:00:00Z\n    linked_by: "@ana_oncall (id 4242)"\n    title: Ana\n`
    writeRegistry(world.cli, `${REGISTRY}linked_chats:\n${linked(4242, 'alerts', 'alerts, digest')}${linked(5151, 'deploy', 'deploy')}`)
    const all = await world.run(['webhook', 'links'])
    expect([all.exitCode, all.stderr]).toEqual([0, ''])
    expect(all.stdout.split('\n')).toEqual([
      '4242 (Ana) via alerts: alerts, digest; linked 2025-01-01T10:00:00Z by @ana_oncall (id 4242)',
      '5151 (Ana) via deploy: deploy; linked 2025-01-01T10:00:00Z by @ana_oncall (id 4242)',
    ])
    const json = JSON.parse((await world.run(['webhook', 'links', '--bot', 'DEPLOY', '--json'])).stdout) as {linked_chats: Array<{chat_id: number}>}
    expect(json.linked_chats.map((chat) => chat.chat_id)).toEqual([5151])

    const one = await world.run(['webhook', 'unlink', '4242', '--channel', 'digest'])
    expect([one.exitCode, one.stdout]).toEqual([0, 'unlinked 4242 (via alerts): no longer receives digest'])
    expect((await linkedChatsFor('alerts')).map((chat) => chat.channels)).toEqual([['alerts']])
    expect((await world.run(['webhook', 'unlink', '4242'])).stdout).toBe('unlinked 4242 (via alerts): no longer receives alerts')
    expectUsageError(await world.run(['webhook', 'unlink', '4242']), 'Error: chat 4242 is not linked')
    expectUsageError(await world.run(['webhook', 'unlink', 'abc']), 'Error: CHAT: expected a numeric chat id, got "abc"')
    expect((await world.run(['webhook', 'links'])).stdout).toBe('5151 (Ana) via deploy: deploy; linked 2025-01-01T10:00:00Z by @ana_oncall (id 4242)')
  }, 90_000)

  it('t.me/<bot>?start=TOKEN links too; a second token adds its channels to the chat', async () => {
    writeRegistry(world.cli, REGISTRY)
    const first = await newToken(['--bot', 'alerts', '--channels', 'alerts'])
    const second = await newToken(['--bot', 'alerts', '--channels', 'digest'])
    const server = await startServe(world.cli, [], {TELEGRAM_WEBHOOK_SECRET: SECRET})
    expect(await say(server, 1, ANA_CHAT, `/start ${first.token}`)).toBe('Linked: this chat now receives alerts. Send /stop to undo.')
    expect(await say(server, 2, ANA_CHAT, `/link ${second.token}`)).toBe('Linked: this chat now receives alerts, digest. Send /stop to undo.')
    const linked = await linkedChatsFor('alerts')
    expect(linked.map((chat) => [chat.chat_id, chat.channels])).toEqual([[4242, ['alerts', 'digest']]])
  })

  it('an expired token, and a token made for another bot, are refused with a reason; long-spent tokens are dropped', async () => {
    const expired = 'ExpiredTokenExpiredTokenExpired0'
    const ancient = 'AncientTokenAncientTokenAncient0'
    const hourAgo = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000).toISOString().replace('.000Z', 'Z')
    const entry = (token: string, expiresAt: string) =>
      `  - sha256: ${sha256(token)}\n    bot: alerts\n    channels: [alerts]\n    created_at: 2025-01-01T10:00:00Z\n    expires_at: ${expiresAt}\n`
    writeRegistry(world.cli, `${REGISTRY}links:\n${entry(ancient, '2025-01-02T10:00:00Z')}${entry(expired, hourAgo)}`)
    const forDeploy = await newToken(['--bot', 'deploy', '--channels', 'deploy'])
    // The first run moved the file's tokens into the store, except those spent more than 7 days ago; the recent ones
    // are kept so that they can say why.
    expect(readRegistry(world.cli)).not.toContain('links:')
    const stored = stateFiles().map((file) => file.text).join('\n')
    expect([stored.includes(sha256(ancient)), stored.includes(sha256(expired))]).toEqual([false, true])
    const server = await startServe(world.cli, [], {TELEGRAM_WEBHOOK_SECRET: SECRET})
    const shown = `${hourAgo.slice(0, 10)} ${hourAgo.slice(11, 19)} UTC`
    expect(await say(server, 1, ANA_CHAT, `/link ${expired}`)).toBe(`This link token expired on ${shown}. Ask an operator for a new one.`)
    expect(await say(server, 2, ANA_CHAT, `/link ${ancient}`)).toBe('This link token is not known. Check it, or ask an operator for a new one (fastpay-tg webhook link-token).')
    expect(await say(server, 3, ANA_CHAT, `/link ${forDeploy.token}`)).toBe('This link token is for the bot "deploy", not this one.')
    expect(await linkedChatsFor('alerts')).toEqual([])
    expect(callsOf(world.api, 'sendMessage').every((request) => request.token === ALERTS_BOT.token)).toBe(true)
  })

  it('webhook serve removes the files of tokens a week past their use or expiry as it starts (and hourly after)', async () => {
    writeRegistry(world.cli, REGISTRY)
    const gone = sha256('GoneTokenGoneTokenGoneTokenGone0')
    const old = new FileKeyValue({dir: join(world.cli.stateDir, 'state'), now: () => Date.parse('2025-01-01T10:00:00Z')})
    await old.compareAndSet(`links/tokens/${gone}`, 0, {sha256: gone, channels: ['alerts'], created_at: '2025-01-01T10:00:00Z', expires_at: '2025-01-02T10:00:00Z'}, {ttlMs: 8 * 24 * 3600_000})
    const kept = await newToken(['--bot', 'alerts', '--channels', 'alerts'])
    expect(stateFiles().filter((file) => file.text.includes('links/tokens/'))).toHaveLength(2)
    const server = await startServe(world.cli, [], {TELEGRAM_WEBHOOK_SECRET: SECRET})
    expect(stateFiles().filter((file) => file.text.includes('links/tokens/')).map((file) => file.text.includes(sha256(kept.token)))).toEqual([true])
    await server.stop()
  })

  it('a malformed linked_chats section left by an old version: one line naming the file and the field; nothing moves', async () => {
    const yaml = `${REGISTRY}linked_chats:\n  - chat_id: "4242x"\n    channels: [alerts]\n    linked_at: 2025-01-01T10:00:00Z\n`
    writeRegistry(world.cli, yaml)
    expectUsageError(await world.run(['webhook', 'links']), 'Error: ~/config/fastpay-tg/config.yml: linked_chats[0].chat_id: expected an integer, got "4242x"')
    expect(readRegistry(world.cli)).toBe(yaml)
    expect(stateFiles().filter((file) => file.text.includes('links/'))).toEqual([])
  })
})
