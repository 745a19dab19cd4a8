// `bots update NAME`: every flag through the built CLI against the fake Bot API. The registry is the user's file:
// whatever the update does not change must come back byte for byte, comments and odd spacing included.
import {describe, expect, it, vi} from 'vitest'

import {runOnTerminal, screenLines} from '../helpers/run-on-terminal.js'

import {
  ALERTS_BOT,
  callsOf,
  DEPLOY_BOT,
  expectUsageError,
  HEALTH_BOT,
  jsonOf,
  ON_CALL,
  OPS_FORUM,
  readRegistry,
  REGISTRY_DISPLAY,
  REVOKED_TOKEN,
  STATUS_CHANNEL,
  useCliWorld,
  writeRegistry,
} from './fixture.js'

// Each test spawns several CLI processes; on a loaded machine they need more than the default 30 s (not a timing assertion).
vi.setConfig({testTimeout: 120_000})

const world = useCliWorld()

/** A hand-written registry: comments above, beside and between entries, two spaces before one comment, a block list. */
const COMMENTED = `# FastPay ops bots. Ask #ops before changing names: monitors use them.
bots:
  # Pager bot: wakes people up.
  - name: alerts   # keep this name
    id: 1
    token: ${ALERTS_BOT.token}
    chat_ids: [${OPS_FORUM.id}, ${ON_CALL.id}] # ops forum, on-call
    message_thread_id: 7 # incidents topic

  # Release notes.
  - name: deploy
    id: 2
    token: ${DEPLOY_BOT.token}
    chat_ids:
      - ${ON_CALL.id} # on-call
      - "@fastpay_status"
    active: true
# end of bots
`

const THREAD_LINE = '    message_thread_id: 7 # incidents topic\n'
/** What a checked new token of HEALTH_BOT leaves in its bot's entry, as `bots add` would. */
const HEALTH_INFO = `    info:\n      username: ${HEALTH_BOT.username}\n      first_name: ${HEALTH_BOT.first_name}\n`

/** COMMENTED with `from` replaced by `to`: the only lines an update may touch. */
function withLines(...replacements: Array<[from: string, to: string]>): string {
  let text = COMMENTED
  for (const [from, to] of replacements) {
    expect(text).toContain(from)
    text = text.replace(from, to)
  }
  return text
}

describe('bots update: chats and topic', () => {
  it('--chat adds, --remove-chat removes, --thread and --chat-type set: only those lines change; send follows', async () => {
    writeRegistry(world.cli, COMMENTED)
    const args = ['bots', 'update', 'alerts', '--chat', String(STATUS_CHANNEL.id), '--remove-chat', String(ON_CALL.id), '--thread', '9', '--chat-type', 'supergroup']
    const updated = await world.run(args)
    expect(updated).toEqual({
      stdout: `updated bot alerts: added chat ${STATUS_CHANNEL.id}; removed chat ${ON_CALL.id}; thread 9; chat type supergroup`,
      stderr: '',
      exitCode: 0,
    })
    expect(readRegistry(world.cli)).toBe(
      withLines(
        [`chat_ids: [${OPS_FORUM.id}, ${ON_CALL.id}] # ops forum, on-call\n    message_thread_id: 7 # incidents topic`,
          `chat_ids: [${OPS_FORUM.id}, ${STATUS_CHANNEL.id}] # ops forum, on-call\n    message_thread_id: 9 # incidents topic\n    chat_type: supergroup`],
      ),
    )
    const sent = await world.run(['send', '--bot', 'alerts', 'after the update'])
    expect(sent.exitCode, sent.stderr).toBe(0)
    expect(callsOf(world.api, 'sendMessage').map((request) => [request.params.chat_id, request.params.message_thread_id])).toEqual([
      [OPS_FORUM.id, 9],
      [STATUS_CHANNEL.id, 9],
    ])
  })

  it('a block list stays a block list; comma-separated and repeated --chat; a chat already listed is left alone', async () => {
    writeRegistry(world.cli, COMMENTED)
    const updated = await world.run(['bots', 'update', 'DEPLOY', '--chat', `${ON_CALL.id},${OPS_FORUM.id}`, '--chat', '@fastpay_ops', '--remove-chat', '@fastpay_status', '--json'])
    expect(updated.stderr).toBe('')
    expect(jsonOf(updated)).toEqual({
      name: 'deploy',
      id: 2,
      changes: [`added chats ${OPS_FORUM.id}, @fastpay_ops`, 'removed chat @fastpay_status'],
      chatIds: [ON_CALL.id, OPS_FORUM.id, '@fastpay_ops'],
    })
    expect(readRegistry(world.cli)).toBe(withLines(['      - "@fastpay_status"\n', `      - ${OPS_FORUM.id}\n      - "@fastpay_ops"\n`]))

    const again = await world.run(['bots', 'update', 'deploy', '--chat', String(ON_CALL.id)])
    expect(again).toEqual({stdout: 'bot deploy: nothing changed', stderr: '', exitCode: 0})
  })

  it('--remove-thread sends to the chats themselves again', async () => {
    writeRegistry(world.cli, COMMENTED)
    const updated = await world.run(['bots', 'update', '1', '--remove-thread'])
    expect(updated).toEqual({stdout: 'updated bot alerts: thread removed', stderr: '', exitCode: 0})
    expect(readRegistry(world.cli)).toBe(withLines(['    message_thread_id: 7 # incidents topic\n', '']))
    await world.run(['bots', 'test', 'alerts', '--chat', String(OPS_FORUM.id)])
    expect(callsOf(world.api, 'sendMessage').map((request) => request.params.message_thread_id)).toEqual([undefined])
  })
})

describe('bots update: name and token', () => {
  it('--rename changes the name line only; the bot answers to its new name, not the old one', async () => {
    writeRegistry(world.cli, COMMENTED)
    const updated = await world.run(['bots', 'update', 'deploy', '--rename', 'releases'])
    expect(updated).toEqual({stdout: 'updated bot releases: renamed from deploy', stderr: '', exitCode: 0})
    expect(readRegistry(world.cli)).toBe(withLines(['  - name: deploy\n', '  - name: releases\n']))
    const [byNew, byOld] = await Promise.all([world.run(['send', '--bot', 'releases', 'v1.2 is out']), world.run(['send', '--bot', 'deploy', 'v1.2 is out'])])
    expect(byNew.exitCode, byNew.stderr).toBe(0)
    expectUsageError(byOld, `Error: unknown bot "deploy": not in ${REGISTRY_DISPLAY} nor TELEGRAM_BOT_CONFIGS`)
  })

  it('--token VALUE is checked with getMe, replaces the token line and keeps the @username (none was cached); send then uses it', async () => {
    writeRegistry(world.cli, COMMENTED)
    const updated = await world.run(['bots', 'update', 'alerts', '--token', HEALTH_BOT.token, '--no-keychain'])
    expect(updated).toEqual({stdout: `updated bot alerts (@${HEALTH_BOT.username}): token in registry file (literal)`, stderr: '', exitCode: 0})
    expect(readRegistry(world.cli)).toBe(withLines([`    token: ${ALERTS_BOT.token}\n`, `    token: ${HEALTH_BOT.token}\n`], [THREAD_LINE, `${THREAD_LINE}${HEALTH_INFO}`]))
    expect(callsOf(world.api, 'getMe').map((request) => request.token)).toEqual([HEALTH_BOT.token])
    const listed = await world.run(['bots', 'list'])
    expect(listed.stdout.split('\n').find((line) => line.startsWith('* alerts'))).toContain(`@${HEALTH_BOT.username}`)
    await world.run(['send', '--bot', 'alerts', '--chat', String(ON_CALL.id), 'new token'])
    expect(callsOf(world.api, 'sendMessage').map((request) => request.token)).toEqual([HEALTH_BOT.token])
  })

  it('--token VALUE renames the cached bot (sync-info, or add) to the new token\'s; the chats\' names stay', async () => {
    const cached = `    info:\n      username: ${ALERTS_BOT.username}\n      first_name: ${ALERTS_BOT.first_name}\n      synced_at: 2026-11-30T10:00:00.000Z\n      chats:\n        "${ON_CALL.id}":\n          title: Ana Oncall\n          type: private\n`
    writeRegistry(world.cli, COMMENTED.replace('    message_thread_id: 7 # incidents topic\n', `    message_thread_id: 7 # incidents topic\n${cached}`))
    const updated = await world.run(['bots', 'update', 'alerts', '--token', HEALTH_BOT.token, '--no-keychain'])
    expect(updated.exitCode, updated.stderr).toBe(0)
    const info = / {4}info:\n(?: {6}.*\n)+/.exec(readRegistry(world.cli))?.[0]
    expect(info).toBe(cached.replace(ALERTS_BOT.username, HEALTH_BOT.username).replace(ALERTS_BOT.first_name, HEALTH_BOT.first_name))
    const listed = await world.run(['bots', 'list'])
    expect(listed.stdout.split('\n').find((line) => line.startsWith('* alerts'))).toContain(`@${HEALTH_BOT.username}`)
    // A token not checked may be another bot's: the names go, the chats' stay.
    const unchecked = await world.run(['bots', 'update', 'alerts', '--token', ALERTS_BOT.token, '--no-keychain', '--no-validate'])
    expect(unchecked.exitCode, unchecked.stderr).toBe(0)
    const left = / {4}info:\n(?: {6}.*\n)+/.exec(readRegistry(world.cli))?.[0]
    expect(left).toBe(`    info:\n${cached.split('\n').slice(3).join('\n')}`)
  })

  it('--token - reads stdin (never echoed); --no-validate asks Telegram nothing; a ${VAR} is stored as written', async () => {
    writeRegistry(world.cli, COMMENTED)
    const fromStdin = await world.run(['bots', 'update', 'deploy', '--token', '-', '--no-keychain', '--json'], {input: `${HEALTH_BOT.token}\n`})
    expect(fromStdin.stderr).toBe('')
    expect(jsonOf(fromStdin)).toEqual({
      name: 'deploy',
      id: 2,
      changes: ['token in registry file (literal)'],
      chatIds: [ON_CALL.id, '@fastpay_status'],
      tokenStorage: 'registry file (literal)',
      username: HEALTH_BOT.username,
    })
    expect(fromStdin.stdout).not.toContain(HEALTH_BOT.token)
    const unchecked = await world.run(['bots', 'update', 'alerts', '--token', '${PAGER_TOKEN}', '--no-validate'])
    expect(unchecked).toEqual({stdout: 'updated bot alerts: token in environment variable PAGER_TOKEN', stderr: '', exitCode: 0})
    // deploy's checked token brought its names; alerts' unchecked one had none to drop, and gets none.
    expect(readRegistry(world.cli)).toBe(
      withLines(
        [`    token: ${ALERTS_BOT.token}\n`, '    token: ${PAGER_TOKEN}\n'],
        [`    token: ${DEPLOY_BOT.token}\n`, `    token: ${HEALTH_BOT.token}\n`],
        ['    active: true\n', `    active: true\n${HEALTH_INFO}`],
      ),
    )
    expect(callsOf(world.api, 'getMe').map((request) => request.token)).toEqual([HEALTH_BOT.token])
  })
})

describe('bots update --token - on a terminal', () => {
  it('asks for the token with echo off: it never reaches the screen', async () => {
    writeRegistry(world.cli, COMMENTED)
    const args = ['bots', 'update', 'alerts', '--token', '-', '--no-keychain']
    const {screen, exitCode} = await runOnTerminal(world.cli.env, args, 'Token for alerts (not shown): ', `${HEALTH_BOT.token}\r`)
    expect(exitCode).toBe(0)
    expect(screenLines(screen)).toEqual(['Token for alerts (not shown):', `updated bot alerts (@${HEALTH_BOT.username}): token in registry file (literal)`])
    expect(screen).not.toContain(HEALTH_BOT.token.split(':')[1]!)
    expect(readRegistry(world.cli)).toBe(withLines([`    token: ${ALERTS_BOT.token}\n`, `    token: ${HEALTH_BOT.token}\n`], [THREAD_LINE, `${THREAD_LINE}${HEALTH_INFO}`]))
  })
})

describe('bots update: bad input', () => {
  it('one line naming the flag, exit 2, nothing written and nothing sent to Telegram but the refused getMe', async () => {
    writeRegistry(world.cli, COMMENTED)
    const cases: Array<[args: string[], line: string, input?: string]> = [
      [['payments', '--thread', '3'], `Error: unknown bot "payments": not in ${REGISTRY_DISPLAY}`],
      [['alerts'], 'Error: nothing to change: give --chat, --remove-chat, --thread, --remove-thread, --token, --chat-type or --rename'],
      [['alerts', '--chat', 'ops room'], 'Error: --chat: "ops room" is not a chat id (integer or @username)'],
      [['alerts', '--remove-chat', '999'], 'Error: --remove-chat: bot alerts has no chat 999'],
      [['alerts', '--chat', '42', '--remove-chat', '42'], 'Error: --remove-chat: chat 42 is also given to --chat'],
      [['alerts', '--thread', '0'], 'Error: Parsing --thread: Expected an integer greater than or equal to 1 but received: 0'],
      [['alerts', '--thread', '3', '--remove-thread'], 'Error: --remove-thread: cannot be given with --thread'],
      [['alerts', '--chat-type', 'forum'], 'Error: Expected --chat-type=forum to be one of: private, group, supergroup, channel'],
      [['alerts', '--rename', '9lives'], 'Error: --rename: "9lives" is not a bot name (a letter, then up to 63 of A-Z a-z 0-9 _ . -)'],
      [['alerts', '--rename', 'Deploy'], `Error: --rename: bot "deploy" already exists in ${REGISTRY_DISPLAY} (bots[1])`],
      [['alerts', '--token', ''], 'Error: --token: the token is empty'],
      [['alerts', '--token', '-'], 'Error: --token: the token is empty', ''],
      [['alerts', '--token', 'not-a-token'], 'Error: --token: not shaped like a bot token (<digits>:<30 or more of A-Z a-z 0-9 _ ->, as @BotFather gives it)'],
      [
        ['alerts', '--token', REVOKED_TOKEN],
        "Error: --token: Call to 'getMe' failed (401: Unauthorized): the bot token is wrong (ask @BotFather); nothing was changed (--no-validate skips this check)",
      ],
    ]
    const results = await Promise.all(cases.map(([args, , input]) => world.run(['bots', 'update', ...args], {input})))
    for (const [index, result] of results.entries()) expectUsageError(result, cases[index]![1])
    expect(readRegistry(world.cli)).toBe(COMMENTED)
    expect(world.api.requests.map((request) => [request.method, request.token])).toEqual([['getMe', REVOKED_TOKEN]])
  })

  it('a registry that is not there: one line, exit 2', async () => {
    const missing = `${world.cli.env.HOME}/missing.yml`
    const result = await world.run(['bots', 'update', 'alerts', '--thread', '3', '--config', missing])
    expectUsageError(result, `Error: ${missing} does not exist (named by --config or FASTPAY_TG_CONFIG): fix the path, or create it with fastpay-tg bots add`)
  })
})
