// A user mistake is one line on stderr naming what is wrong and where, exit 2, no stack trace, and nothing sent.
import {mkdirSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {ALERTS_BOT, DEPLOY_BOT, envConfigs, REGISTRY_DISPLAY, useCliWorld, writeRegistry} from './fixture.js'

const world = useCliWorld()
const T = ALERTS_BOT.token

interface Case {
  args: string[]
  env?: Record<string, string>
  registry?: string
  input?: string
  line: string
}

/** Runs the cases concurrently in the test's sandbox; each must fail alone on stderr, with exit 2, before any request. */
async function expectAll(cases: Record<string, Case>): Promise<void> {
  const results = await Promise.all(
    Object.entries(cases).map(async ([name, c]) => [name, await world.run(c.args, {env: c.env, input: c.input})] as const),
  )
  for (const [name, result] of results) {
    const c = cases[name]!
    expect({case: name, stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode}).toEqual({
      case: name,
      stdout: '',
      stderr: c.line,
      exitCode: 2,
    })
    expect(result.stderr, name).not.toMatch(/^\s+at /m)
  }
  expect(world.api.requests).toEqual([])
}

describe('malformed TELEGRAM_BOT_CONFIGS', () => {
  it('bad JSON and wrong types each give one line naming the variable and the field', async () => {
    await expectAll({
      'trailing comma': {
        args: ['send', 'hi'],
        env: {TELEGRAM_BOT_CONFIGS: `[{"name":"alerts","token":"${T}",}]`},
        line: 'Error: TELEGRAM_BOT_CONFIGS: not valid JSON (Expected double-quoted property name in JSON at position 75)',
      },
      'single-quoted token': {
        args: ['send', 'hi'],
        env: {TELEGRAM_BOT_CONFIGS: `[{"name":"alerts","token":'${T}'}]`},
        line: "Error: TELEGRAM_BOT_CONFIGS: not valid JSON (Unexpected token ''')",
      },
      'an object, not a list': {
        args: ['config', 'show'],
        env: {TELEGRAM_BOT_CONFIGS: '{"name":"alerts"}'},
        line: 'Error: TELEGRAM_BOT_CONFIGS: expected a JSON array like [{"name": "alerts", "token": "...", "chat_ids": [-1001234567890]}], got {"name":"alerts"}',
      },
      'a number for a token': {
        args: ['send', 'hi'],
        env: {TELEGRAM_BOT_CONFIGS: '[{"name":"alerts","token":7012345678}]'},
        line: 'Error: TELEGRAM_BOT_CONFIGS[0].token: expected a string, got 7012345678',
      },
      'chat_ids neither a list nor a string': {
        args: ['send', 'hi'],
        env: {TELEGRAM_BOT_CONFIGS: envConfigs({name: 'alerts', token: T, chat_ids: {ops: -1001234567890} as never})},
        line: 'Error: TELEGRAM_BOT_CONFIGS[0].chat_ids: expected chat ids: a list like [-1001234567890, "@channel"] or a string like "-1001234567890,@channel", got {"ops":-1001234567890}',
      },
      'a chat id that is neither a number nor @name': {
        args: ['send', 'hi'],
        env: {TELEGRAM_BOT_CONFIGS: envConfigs({name: 'alerts', token: T, chat_ids: [42, 'ops-room']})},
        line: 'Error: TELEGRAM_BOT_CONFIGS[0].chat_ids[1]: expected a chat id (integer) or @username, got "ops-room"',
      },
      'a name two entries share': {
        args: ['send', '--bot', 'alerts', 'hi'],
        env: {TELEGRAM_BOT_CONFIGS: envConfigs({name: 'alerts', token: T}, {name: 'Alerts', token: DEPLOY_BOT.token})},
        line: 'Error: TELEGRAM_BOT_CONFIGS[1].name: duplicate name "Alerts" (also TELEGRAM_BOT_CONFIGS[0]; names ignore case)',
      },
    })
  })
})

describe('a bad registry file', () => {
  it('a wrong type names the file, the field and what was expected', async () => {
    writeRegistry(world.cli, `bots:\n  - name: alerts\n    id: first\n    token: ${T}\n    chat_ids: [42]\n`)
    await expectAll({
      send: {args: ['send', 'hi'], line: `Error: ${REGISTRY_DISPLAY}: bots[0].id: expected a positive integer, got "first"`},
      'config show': {args: ['config', 'show'], line: `Error: ${REGISTRY_DISPLAY}: bots[0].id: expected a positive integer, got "first"`},
      'bots list': {args: ['bots', 'list'], line: `Error: ${REGISTRY_DISPLAY}: bots[0].id: expected a positive integer, got "first"`},
    })
  })

  it('a chat id that is neither a number nor @name, and an unknown key', async () => {
    writeRegistry(world.cli, `bots:\n  - name: alerts\n    token: ${T}\n    chat_ids: [42, ops]\n`)
    await expectAll({
      chat: {args: ['send', 'hi'], line: `Error: ${REGISTRY_DISPLAY}: bots[0].chat_ids[1]: expected a chat id (integer) or @username, got "ops"`},
    })
    writeRegistry(world.cli, `bots:\n  - name: alerts\n    token: ${T}\n    chats: [42]\n`)
    await expectAll({
      key: {
        args: ['send', 'hi'],
        line: `Error: ${REGISTRY_DISPLAY}: bots[0]: unknown key "chats" (expected name, id, token, chat_ids, chat_type, message_thread_id, active, info)`,
      },
    })
  })

  it('a YAML syntax error gives the line and column', async () => {
    writeRegistry(world.cli, `bots:\n  - name: alerts\n    token: ${T}\n   chat_ids: [42]\n`)
    await expectAll({
      send: {args: ['send', 'hi'], line: `Error: ${REGISTRY_DISPLAY}: YAML syntax error at line 4, column 1: Sequence item without - indicator`},
    })
  })

  // The shell's $NAME without braces was taken for a literal token: every send got 401 and "the bot token is wrong
  // (ask @BotFather)", advice that revokes a token that is fine.
  it('a token written $NAME, without braces: one line saying how a variable is written', async () => {
    writeRegistry(world.cli, 'bots:\n  - name: alerts\n    token: $ALERTS_TOKEN\n    chat_ids: [42]\n')
    const line = `Error: ${REGISTRY_DISPLAY}: bots[0].token: a variable is written \${NAME}, in braces: $NAME is not read`
    await expectAll({
      send: {args: ['send', 'hi'], env: {ALERTS_TOKEN: T}, line},
      'config show': {args: ['config', 'show'], env: {ALERTS_TOKEN: T}, line},
    })
  })

  it('a ${VAR} token whose variable is not set', async () => {
    writeRegistry(world.cli, 'bots:\n  - name: alerts\n    token: ${ALERTS_TOKEN}\n    chat_ids: [42]\n')
    await expectAll({
      send: {args: ['send', 'hi'], line: `Error: bot "alerts" in ${REGISTRY_DISPLAY} takes its token from \${ALERTS_TOKEN}, which is not set`},
      // Set to nothing, as a workflow's `env:` does with a secret that does not exist: "not set" sent people looking
      // for a missing line that was there.
      'set but empty': {
        args: ['send', 'hi'],
        env: {ALERTS_TOKEN: ' '},
        line: `Error: bot "alerts" in ${REGISTRY_DISPLAY} takes its token from \${ALERTS_TOKEN}, which is empty`,
      },
    })
  })
})

describe('bots and chats that cannot be used', () => {
  it('unknown bot name, missing token anywhere, no chat, bad chat ids in flags and env', async () => {
    await expectAll({
      'unknown bot': {
        args: ['send', '--bot', 'payments', 'hi'],
        env: {TELEGRAM_BOT_CONFIGS: envConfigs({name: 'alerts', token: T, chat_ids: [42]})},
        line: `Error: unknown bot "payments": not in ${REGISTRY_DISPLAY} nor TELEGRAM_BOT_CONFIGS`,
      },
      'unknown bot, discover': {
        args: ['discover', '--bot', 'payments'],
        line: `Error: unknown bot "payments": not in ${REGISTRY_DISPLAY} nor TELEGRAM_BOT_CONFIGS`,
      },
      'no token anywhere': {
        args: ['send', '--chat', '42', 'hi'],
        env: {TELEGRAM_CHAT_IDS: '42'},
        line: 'Error: no bot token: pass --token, add a bot with fastpay-tg bots add, or set TELEGRAM_BOT_TOKEN',
      },
      'no token anywhere, config show': {
        args: ['config', 'show'],
        line: 'Error: no bot token: pass --token, add a bot with fastpay-tg bots add, or set TELEGRAM_BOT_TOKEN',
      },
      'no chat': {
        args: ['send', 'hi'],
        env: {TELEGRAM_BOT_TOKEN: T},
        line: 'Error: no chat to send to: pass --chat, or set TELEGRAM_CHAT_IDS',
      },
      '--chat not a chat id': {
        args: ['send', '--token', T, '--chat', '42,ops room', 'hi'],
        line: 'Error: --chat: "ops room" is not a chat id (integer or @username)',
      },
      // `--chat "$CHAT"` with the variable unset: it said "pass --chat, or set TELEGRAM_CHAT_IDS" when both were.
      '--chat empty': {
        args: ['send', '--token', T, '--chat', ' , ', 'hi'],
        env: {TELEGRAM_CHAT_IDS: '42'},
        line: 'Error: --chat: no chat id in " , "',
      },
      // `--bot "$BOT"` with the variable unset: the seed's fallback took it for a name no layer has and sent.
      '--bot empty': {
        args: ['send', '--bot', '', 'hi'],
        env: {TELEGRAM_BOT_TOKEN: T, TELEGRAM_CHAT_IDS: '42'},
        line: 'Error: --bot: no bot name in ""',
      },
      '--bot blank, config show': {
        args: ['config', 'show', '--bot', ' '],
        env: {TELEGRAM_BOT_TOKEN: T, TELEGRAM_CHAT_IDS: '42'},
        line: 'Error: --bot: no bot name in " "',
      },
      '--bot empty, alert': {
        args: ['alert', '--bot', '', 'disk full'],
        env: {TELEGRAM_BOT_TOKEN: T, TELEGRAM_CHAT_IDS: '42'},
        line: 'Error: --bot: no bot name in ""',
      },
      // Doors that filter by --bot without resolving a bot: "" was taken for no filter, or a bot of that name.
      '--bot empty, webhook unlink': {
        args: ['webhook', 'unlink', '4242', '--bot', ''],
        line: 'Error: --bot: no bot name in ""',
      },
      '--bot empty, alert outbox': {
        args: ['alert', 'outbox', '--bot', ''],
        line: 'Error: --bot: no bot name in ""',
      },
      '--chat @name too short': {
        args: ['send', '--token', T, '--chat', '@ops', 'hi'],
        line: 'Error: --chat: "@ops" is not a chat id (integer or @username)',
      },
      'TELEGRAM_CHAT_IDS not a chat id': {
        args: ['send', 'hi'],
        env: {TELEGRAM_BOT_TOKEN: T, TELEGRAM_CHAT_IDS: '-1001234567890,1e5'},
        line: 'Error: TELEGRAM_CHAT_IDS: "1e5" is not a chat id (integer or @username)',
      },
      '--lookup not a chat id': {
        args: ['discover', '--token', T, '--lookup', 'fastpay status'],
        line: 'Error: --lookup: "fastpay status" is not a chat id (integer or @username)',
      },
      'API root not http(s)': {
        args: ['send', '--token', T, '--chat', '42', 'hi'],
        env: {TELEGRAM_API_BASE_URL: 'api.telegram.org'},
        line: 'Error: TELEGRAM_API_BASE_URL: expected an http(s) URL, got "api.telegram.org"',
      },
      // A config error, not Telegram being away: alert must not spool it (stdout '' and exit 2, not 75).
      'API root not a URL, alert': {
        args: ['alert', 'Disk full', '--no-host', '--token', T, '--chat', '42'],
        env: {TELEGRAM_API_BASE_URL: ' not a url '},
        line: 'Error: TELEGRAM_API_BASE_URL: expected an http(s) URL, got "not a url"',
      },
      'API root with a query, alert': {
        args: ['alert', 'Disk full', '--no-host', '--token', T, '--chat', '42'],
        env: {TELEGRAM_API_BASE_URL: `${world.api.url}/?via=proxy`},
        line: `Error: TELEGRAM_API_BASE_URL: expected a URL without ?query or #fragment, got "${world.api.url}/?via=proxy"`,
      },
      'API root not a URL, config show': {
        args: ['config', 'show', '--token', T],
        env: {TELEGRAM_API_BASE_URL: 'not a url'},
        line: 'Error: TELEGRAM_API_BASE_URL: expected an http(s) URL, got "not a url"',
      },
      'API root with a password, not a URL': {
        args: ['send', '--token', T, '--chat', '42', 'hi'],
        env: {TELEGRAM_API_BASE_URL: 'http://ops:s3cretpassw0rdXYZ@127.0.0.1:99999'},
        line: 'Error: TELEGRAM_API_BASE_URL: expected an http(s) URL, got "http://ops:***@127.0.0.1:99999"',
      },
      // A proxy variable is config too: one line for the run, not one per chat, and alert neither "refused" (exit 1)
      // nor spooled.
      'proxy not a URL, send to two chats': {
        args: ['send', '--token', T, '--chat', '42', '--chat', '4242', 'hi'],
        env: {HTTPS_PROXY: 'http://[bad'},
        line: 'Error: HTTPS_PROXY is not a proxy URL: "http://[bad"',
      },
      'proxy not a URL, alert': {
        args: ['alert', 'Disk full', '--no-host', '--token', T, '--chat', '42'],
        env: {http_proxy: 'proxy.corp:31 28'},
        line: 'Error: http_proxy is not a proxy URL: "proxy.corp:31 28"',
      },
      'proxy not http(s), config show': {
        args: ['config', 'show', '--token', T],
        env: {HTTP_PROXY: 'socks5://proxy.corp:1080'},
        line: 'Error: HTTP_PROXY: only http:// and https:// proxies are supported, got socks5://proxy.corp:1080',
      },
    })
  })
})

describe('flags and input', () => {
  it('unknown flag, bad values, unreadable files: one line each', async () => {
    const directory = join(world.cli.env.HOME!, 'reports')
    mkdirSync(directory)
    const send = ['send', '--token', T, '--chat', '42']
    await expectAll({
      'unknown flag': {args: [...send, '--colour', 'red', 'hi'], line: 'Error: Nonexistent flag: --colour'},
      'unexpected argument': {args: [...send, 'hi', 'there'], line: 'Error: Unexpected argument: there'},
      'missing argument': {args: ['bots', 'remove'], line: 'Error: Missing 1 required arg: name Bot name or registry id.'},
      '--timeout 0': {args: [...send, '--timeout', '0', 'hi'], line: 'Error: Parsing --timeout: Expected an integer greater than or equal to 1 but received: 0'},
      '--thread 0': {args: [...send, '--thread', '0', 'hi'], line: 'Error: --thread: expected a positive integer, got 0'},
      '--photo with --document': {
        args: [...send, '--photo', 'a.png', '--document', 'b.csv'],
        line: 'Error: The following errors occurred: --document=b.csv cannot also be provided when using --photo; --photo=a.png cannot also be provided when using --document',
      },
      '--parse-mode xml': {args: [...send, '--parse-mode', 'xml', 'hi'], line: 'Error: --parse-mode: expected one of html, markdownv2, none (got "xml")'},
      '--parse-mode markdown': {
        args: [...send, '--parse-mode', 'markdown', 'hi'],
        line: 'Error: --parse-mode: legacy Markdown is not supported, use markdownv2; expected one of html, markdownv2, none (got "markdown")',
      },
      '--button without =': {args: [...send, '--button', 'Runbook', 'hi'], line: 'Error: --button: expected TEXT=URL or TEXT=CALLBACK_DATA (got "Runbook")'},
      '--button with ftp': {
        args: [...send, '--button', 'Docs=ftp://files.example.com', 'hi'],
        line: 'Error: --button: a button URL must start with http://, https:// or tg:// (got "ftp://files.example.com")',
      },
      '--button callback too long': {
        args: [...send, '--button', `Ack=${'x'.repeat(65)}`, 'hi'],
        line: `Error: --button: callback data must be 1-64 bytes of UTF-8, got 65 (in "Ack=${'x'.repeat(65)}")`,
      },
      '--file missing': {args: [...send, '--file', '/nonexistent/report.txt'], line: 'Error: --file: cannot read "/nonexistent/report.txt" (ENOENT)'},
      '--file a directory': {args: [...send, '--file', directory], line: `Error: --file: cannot read "${directory}" (EISDIR)`},
      '--document missing': {args: [...send, '--document', '/nonexistent/db.csv'], line: 'Error: --document: cannot read "/nonexistent/db.csv" (ENOENT)'},
      '--photo a directory': {args: [...send, '--photo', directory], line: `Error: --photo: cannot read "${directory}" (EISDIR)`},
      'TEXT and --file': {args: [...send, '--file', '/etc/hostname', 'hi'], line: 'Error: TEXT and --file: give the text in one place, not both'},
      'nothing to send': {args: send, line: 'Error: TEXT: nothing to send: give TEXT, --file, or pipe the text on stdin'},
      'blank stdin': {args: send, input: ' \n\n', line: 'Error: TEXT: nothing to send: give TEXT, --file, or pipe the text on stdin'},
      'bots add --chat-type': {
        args: ['bots', 'add', 'ops', '--token', T, '--chat-type', 'forum'],
        line: 'Error: Expected --chat-type=forum to be one of: private, group, supergroup, channel',
      },
      'bots add without --token': {
        args: ['bots', 'add', 'ops'],
        line: 'Error: --token: required to add a bot (a token, ${ENV_VAR}, keychain:<account>, or - to read it from stdin)',
      },
    })
  })

  it('under --json the same mistake is a JSON error on stdout, exit 2', async () => {
    const result = await world.run(['send', '--token', T, '--chat', 'ops', '--json', 'hi'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual({
      error: {code: 'usage', message: '--chat: "ops" is not a chat id (integer or @username)', exitCode: 2},
    })
  })
})
