import {chmod, mkdir, utimes, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {forgetLoadedRegistries, requireChats, resolveBot} from '../../src/config/index.js'
import {redact} from '../../src/redact.js'
import {runFixtureOutputs} from './fixtures/run-ts.js'
import {isolatedEnv, TOKEN_A, TOKEN_B, TOKEN_C, TOKEN_D, writeConfig} from './helpers.js'

const TWO_BOTS = `bots:
  - name: alerts
    id: 1
    token: ${TOKEN_A}
    chat_ids: [-1001234567890, "@channelname"]
    chat_type: supergroup
    message_thread_id: 7
  - name: ops
    id: 2
    token: ${TOKEN_B}
    chat_ids: [42]
`

const ENV_CONFIGS = JSON.stringify([
  {name: 'deploys', token: TOKEN_C, chat_ids: [-100777]},
  {name: 'Alerts', token: TOKEN_D, chat_ids: ['@envchannel']},
])

describe('each layer alone', () => {
  it('flags: --token and --chat, without reading the registry', async () => {
    const configPath = await writeConfig('bots: [ {{ broken')
    const resolved = await resolveBot({token: TOKEN_A, chats: ['42, @someone', '-100123'], thread: 3, configPath}, await isolatedEnv())
    expect(resolved).toEqual({
      layer: 'flags',
      token: {value: TOKEN_A, source: 'flag --token'},
      chats: {
        value: [
          {chatId: 42, fromRegistry: false},
          {chatId: '@someone', fromRegistry: false},
          {chatId: -100123, fromRegistry: false},
        ],
        source: 'flag --chat',
      },
      threadId: {value: 3, source: 'flag --thread'},
      warnings: [],
    })
  })

  it('flags: --token alone takes its chats from TELEGRAM_CHAT_IDS', async () => {
    const resolved = await resolveBot({token: TOKEN_A}, await isolatedEnv({TELEGRAM_CHAT_IDS: '7,@channelname'}))
    expect(resolved.chats).toEqual({
      value: [
        {chatId: 7, fromRegistry: false},
        {chatId: '@channelname', fromRegistry: false},
      ],
      source: 'env TELEGRAM_CHAT_IDS',
    })
  })

  it('registry: the first active bot, with every value sourced', async () => {
    const configPath = await writeConfig(TWO_BOTS)
    const source = `registry ${configPath} bots[0] (alerts)`
    expect(await resolveBot({configPath}, await isolatedEnv())).toEqual({
      name: 'alerts',
      registryId: 1,
      layer: 'registry',
      token: {value: TOKEN_A, source},
      chats: {
        value: [
          {chatId: -1001234567890, fromRegistry: true},
          {chatId: '@channelname', fromRegistry: true},
        ],
        source,
      },
      threadId: {value: 7, source},
      chatType: 'supergroup',
      registry: {path: configPath, display: configPath, explicit: true},
      warnings: [],
    })
  })

  it('env TELEGRAM_BOT_CONFIGS: the first entry, or one by name', async () => {
    const env = await isolatedEnv({TELEGRAM_BOT_CONFIGS: ENV_CONFIGS})
    expect(await resolveBot({}, env)).toEqual({
      name: 'deploys',
      layer: 'env-configs',
      token: {value: TOKEN_C, source: 'env TELEGRAM_BOT_CONFIGS[0] (deploys)'},
      chats: {value: [{chatId: -100777, fromRegistry: false}], source: 'env TELEGRAM_BOT_CONFIGS[0] (deploys)'},
      warnings: [],
    })
    const second = await resolveBot({bot: 'alerts'}, env)
    expect([second.name, second.token.source]).toEqual(['Alerts', 'env TELEGRAM_BOT_CONFIGS[1] (Alerts)'])
  })

  it('env TELEGRAM_BOT_TOKEN with TELEGRAM_CHAT_IDS', async () => {
    const env = await isolatedEnv({TELEGRAM_BOT_TOKEN: TOKEN_D, TELEGRAM_CHAT_IDS: ' -100123 , @channelname,'})
    expect(await resolveBot({}, env)).toEqual({
      layer: 'env-token',
      token: {value: TOKEN_D, source: 'env TELEGRAM_BOT_TOKEN'},
      chats: {
        value: [
          {chatId: -100123, fromRegistry: false},
          {chatId: '@channelname', fromRegistry: false},
        ],
        source: 'env TELEGRAM_CHAT_IDS',
      },
      warnings: [],
    })
  })
})

describe('priority', () => {
  it('without --bot the registry comes first, then TELEGRAM_BOT_CONFIGS, then TELEGRAM_BOT_TOKEN', async () => {
    const configPath = await writeConfig(TWO_BOTS)
    const env = await isolatedEnv({TELEGRAM_BOT_CONFIGS: ENV_CONFIGS, TELEGRAM_BOT_TOKEN: TOKEN_D})
    expect((await resolveBot({configPath}, env)).token.source).toBe(`registry ${configPath} bots[0] (alerts)`)
    const emptyRegistry = await writeConfig('bots: []\n')
    expect((await resolveBot({configPath: emptyRegistry}, env)).token.source).toBe('env TELEGRAM_BOT_CONFIGS[0] (deploys)')
    const {TELEGRAM_BOT_CONFIGS: _, ...tokenOnly} = env
    expect((await resolveBot({configPath: emptyRegistry}, tokenOnly)).token.source).toBe('env TELEGRAM_BOT_TOKEN')
  })

  it('a name in two layers: the registry wins over TELEGRAM_BOT_CONFIGS', async () => {
    const configPath = await writeConfig(TWO_BOTS)
    const resolved = await resolveBot({bot: 'ALERTS', configPath}, await isolatedEnv({TELEGRAM_BOT_CONFIGS: ENV_CONFIGS}))
    expect([resolved.layer, resolved.token]).toEqual([
      'registry',
      {value: TOKEN_A, source: `registry ${configPath} bots[0] (alerts)`},
    ])
  })

  it('--token beats the token of the named bot, whose chats and thread are kept', async () => {
    const configPath = await writeConfig(TWO_BOTS)
    const resolved = await resolveBot({bot: 'alerts', token: TOKEN_D, configPath}, await isolatedEnv())
    expect([resolved.layer, resolved.name, resolved.token, resolved.chats.value.length, resolved.threadId?.value]).toEqual([
      'flags',
      'alerts',
      {value: TOKEN_D, source: 'flag --token'},
      2,
      7,
    ])
  })

  it('--chat and --thread override the chats and thread only', async () => {
    const configPath = await writeConfig(TWO_BOTS)
    const resolved = await resolveBot({bot: 'alerts', chats: ['99'], thread: 5, configPath}, await isolatedEnv())
    expect([resolved.layer, resolved.token.source, resolved.chats, resolved.threadId]).toEqual([
      'registry',
      `registry ${configPath} bots[0] (alerts)`,
      {value: [{chatId: 99, fromRegistry: false}], source: 'flag --chat'},
      {value: 5, source: 'flag --thread'},
    ])
  })
})

describe('lookup', () => {
  it('finds a registry bot by id or by name in any case', async () => {
    const configPath = await writeConfig(TWO_BOTS)
    const env = await isolatedEnv()
    for (const bot of ['2', 'ops', 'OPS', 'Ops']) {
      const resolved = await resolveBot({bot, configPath}, env)
      expect([bot, resolved.name, resolved.registryId, resolved.token.value]).toEqual([bot, 'ops', 2, TOKEN_B])
    }
  })

  it('skips an inactive registry bot for a same-named bot in a lower layer; its registry id names it alone', async () => {
    const configPath = await writeConfig(TWO_BOTS.replace('    message_thread_id: 7\n', '    active: false\n'))
    const env = await isolatedEnv({TELEGRAM_BOT_CONFIGS: ENV_CONFIGS})
    const resolved = await resolveBot({bot: 'alerts', configPath}, env)
    expect([resolved.layer, resolved.token.source]).toEqual(['env-configs', 'env TELEGRAM_BOT_CONFIGS[1] (Alerts)'])
    await expect(resolveBot({bot: '1', configPath}, env)).rejects.toThrow(/^bot "alerts" is disabled in /)
  })

  it('says, when a TELEGRAM_BOT_CONFIGS entry is used, which of its keys no layer reads (a forum topic would be lost)', async () => {
    const configs = JSON.stringify([
      {name: 'forum', token: TOKEN_A, chat_ids: '-1001234567890', message_thread_id: 7, chat_type: 'supergroup'},
      {name: 'plain', token: TOKEN_B, chat_ids: [42]},
    ])
    const env = await isolatedEnv({TELEGRAM_BOT_CONFIGS: configs})
    expect((await resolveBot({bot: 'forum'}, env)).warnings).toEqual([
      'TELEGRAM_BOT_CONFIGS[0] (forum): "message_thread_id", "chat_type" not read (only name, token and chat_ids are): a topic or chat type goes in the registry (fastpay-tg bots add --thread)',
    ])
    expect((await resolveBot({bot: 'plain'}, env)).warnings).toEqual([])
  })

  it('skips an inactive registry bot when picking the default', async () => {
    const configPath = await writeConfig(TWO_BOTS.replace('    message_thread_id: 7\n', '    active: false\n'))
    expect((await resolveBot({configPath}, await isolatedEnv())).name).toBe('ops')
  })

  it('refuses an inactive registry bot with no lower-layer twin', async () => {
    const configPath = await writeConfig(TWO_BOTS.replace('    message_thread_id: 7\n', '    active: false\n'))
    await expect(resolveBot({bot: 'Alerts', configPath}, await isolatedEnv())).rejects.toThrow(
      `bot "alerts" is disabled in ${configPath}: enable it with fastpay-tg bots enable alerts`,
    )
  })

  it('uses defaultBot when present and falls back silently when not', async () => {
    const configPath = await writeConfig(TWO_BOTS)
    const env = await isolatedEnv()
    expect((await resolveBot({defaultBot: 'ops', configPath}, env)).name).toBe('ops')
    expect((await resolveBot({defaultBot: 'nope', configPath}, env)).name).toBe('alerts')
    expect((await resolveBot({bot: 'alerts', defaultBot: 'ops', configPath}, env)).name).toBe('alerts')
  })

  it('names an unknown bot and where it looked', async () => {
    const configPath = await writeConfig(TWO_BOTS)
    await expect(resolveBot({bot: 'nope', configPath}, await isolatedEnv())).rejects.toThrow(
      `unknown bot "nope": not in ${configPath} nor TELEGRAM_BOT_CONFIGS`,
    )
    await expect(resolveBot({bot: '9', configPath}, await isolatedEnv())).rejects.toThrow(
      `unknown bot "9": not in ${configPath} nor TELEGRAM_BOT_CONFIGS`,
    )
  })

  it('says how to get a token when no layer has one', async () => {
    const env = await isolatedEnv({TELEGRAM_CHAT_IDS: '42'})
    const error = await resolveBot({}, env).catch((caught: unknown) => caught)
    expect(error).toMatchObject({
      name: 'UserError',
      exitCode: 2,
      message: 'no bot token: pass --token, add a bot with fastpay-tg bots add, or set TELEGRAM_BOT_TOKEN',
    })
  })

  it('every registry bot disabled and no other layer: says so and how to enable one, not only "no bot token"', async () => {
    const configPath = await writeConfig(`bots:\n  - name: Alerts\n    token: ${TOKEN_A}\n    active: false\n`)
    await expect(resolveBot({configPath}, await isolatedEnv())).rejects.toThrow(
      `no bot token: every bot of ${configPath} is disabled (fastpay-tg bots enable Alerts); pass --token, add a bot with fastpay-tg bots add, or set TELEGRAM_BOT_TOKEN`,
    )
  })
})

describe('values', () => {
  it('rejects a bad --chat, a bad TELEGRAM_CHAT_IDS entry and a bad --thread', async () => {
    const env = await isolatedEnv()
    await expect(resolveBot({token: TOKEN_A, chats: ['42', 'abc']}, env)).rejects.toThrow(
      '--chat: "abc" is not a chat id (integer or @username)',
    )
    await expect(resolveBot({token: TOKEN_A, chats: ['@abcd']}, env)).rejects.toThrow(
      '--chat: "@abcd" is not a chat id (integer or @username)',
    )
    await expect(resolveBot({token: TOKEN_A}, {...env, TELEGRAM_CHAT_IDS: '1,x1'})).rejects.toThrow(
      'TELEGRAM_CHAT_IDS: "x1" is not a chat id (integer or @username)',
    )
    await expect(resolveBot({token: TOKEN_A, thread: 0}, env)).rejects.toThrow('--thread: expected a positive integer, got 0')
  })

  it('reads a ${ENV} token and names the bot and variable when it is unset', async () => {
    const configPath = await writeConfig(`bots:\n  - name: alerts\n    token: \${ALERTS_TOKEN}\n    chat_ids: [1]\n`)
    const resolved = await resolveBot({configPath}, await isolatedEnv({ALERTS_TOKEN: TOKEN_B}))
    expect(resolved.token).toEqual({value: TOKEN_B, source: 'env ${ALERTS_TOKEN}'})
    await expect(resolveBot({configPath}, await isolatedEnv())).rejects.toThrow(
      `bot "alerts" in ${configPath} takes its token from \${ALERTS_TOKEN}, which is not set`,
    )
  })

  it('registers every resolved token for redaction, whatever its shape', async () => {
    await resolveBot({token: 'odd-shaped-secret-1'}, await isolatedEnv())
    const configPath = await writeConfig('bots:\n  - name: alerts\n    token: odd-shaped-secret-2\n')
    await resolveBot({configPath}, await isolatedEnv())
    await resolveBot({}, await isolatedEnv({TELEGRAM_BOT_TOKEN: 'odd-shaped-secret-3'}))
    expect(redact('a odd-shaped-secret-1 b odd-shaped-secret-2 c odd-shaped-secret-3')).toBe('a *** b *** c ***')
  })
})

describe('the registry file', () => {
  it('defaults to ~/.config/fastpay-tg/config.yml, shown with ~', async () => {
    const env = await isolatedEnv()
    await mkdir(join(env.HOME!, '.config', 'fastpay-tg'), {recursive: true})
    await writeFile(join(env.HOME!, '.config', 'fastpay-tg', 'config.yml'), TWO_BOTS, {mode: 0o600})
    const resolved = await resolveBot({}, env)
    expect(resolved.token.source).toBe('registry ~/.config/fastpay-tg/config.yml bots[0] (alerts)')
    expect(resolved.registry).toEqual({
      path: join(env.HOME!, '.config', 'fastpay-tg', 'config.yml'),
      display: '~/.config/fastpay-tg/config.yml',
      explicit: false,
    })
  })

  it('takes FASTPAY_TG_CONFIG, and --config over it', async () => {
    const fromEnv = await writeConfig(TWO_BOTS)
    const fromFlag = await writeConfig(TWO_BOTS.replace('name: alerts', 'name: flagged'))
    const env = await isolatedEnv({FASTPAY_TG_CONFIG: fromEnv})
    expect((await resolveBot({}, env)).token.source).toBe(`registry ${fromEnv} bots[0] (alerts)`)
    expect((await resolveBot({configPath: fromFlag}, env)).token.source).toBe(`registry ${fromFlag} bots[0] (flagged)`)
  })

  it('warns when a file holding a literal token is readable by others', async () => {
    const configPath = await writeConfig(TWO_BOTS)
    await chmod(configPath, 0o644)
    expect((await resolveBot({configPath}, await isolatedEnv())).warnings).toEqual([
      `${configPath} is readable by others and holds a literal token: chmod 600 ${configPath}`,
    ])
    const referencesOnly = await writeConfig('bots:\n  - name: alerts\n    token: ${A}\n  - name: b\n    token: keychain:b\n')
    await chmod(referencesOnly, 0o644)
    expect((await resolveBot({configPath: referencesOnly}, await isolatedEnv({A: TOKEN_A}))).warnings).toEqual([])
  })

  it('refuses a --config or FASTPAY_TG_CONFIG file that does not exist, even with --token', async () => {
    const env = await isolatedEnv({TELEGRAM_BOT_TOKEN: TOKEN_D})
    const line = 'missing.yml does not exist (named by --config or FASTPAY_TG_CONFIG): fix the path, or create it with fastpay-tg bots add'
    await expect(resolveBot({configPath: 'missing.yml'}, env)).rejects.toThrow(line)
    await expect(resolveBot({}, {...env, FASTPAY_TG_CONFIG: 'missing.yml'})).rejects.toThrow(line)
    await expect(resolveBot({token: TOKEN_A, configPath: 'missing.yml'}, env)).rejects.toThrow(line)
  })

  it('reads each version of the file once per process: again when it changed or when told to forget it', async () => {
    const configPath = await writeConfig(TWO_BOTS)
    const env = await isolatedEnv()
    // Whole seconds, which utimes sets exactly: the rewrite below keeps inode, size and mtime, only the bytes differ.
    await utimes(configPath, 1_800_000_000, 1_800_000_000)
    await resolveBot({configPath}, env)
    await writeFile(configPath, TWO_BOTS.replace(TOKEN_A, TOKEN_C))
    await utimes(configPath, 1_800_000_000, 1_800_000_000)
    expect((await resolveBot({configPath}, env)).token.value).toBe(TOKEN_A)
    forgetLoadedRegistries(configPath)
    expect((await resolveBot({configPath}, env)).token.value).toBe(TOKEN_C)
    await writeFile(configPath, TWO_BOTS.replace(TOKEN_A, TOKEN_D))
    expect((await resolveBot({configPath}, env)).token.value).toBe(TOKEN_D)
  })
})

describe('requireChats', () => {
  it('says where to add a chat for each layer', async () => {
    const configPath = await writeConfig(`bots:\n  - name: alerts\n    token: ${TOKEN_A}\n`)
    const env = await isolatedEnv({TELEGRAM_BOT_CONFIGS: JSON.stringify([{name: 'ci', token: TOKEN_B}])})
    const registryBot = await resolveBot({configPath}, env)
    expect(registryBot.chats).toEqual({value: [], source: 'none'})
    expect(() => requireChats(registryBot)).toThrow(
      `no chat to send to: pass --chat, or add chat_ids to bot "alerts" in ${configPath}`,
    )
    expect(() => requireChats({...registryBot, registry: undefined})).toThrow(
      'no chat to send to: pass --chat, or add chat_ids to "alerts" in TELEGRAM_BOT_CONFIGS',
    )
    const flagsOnly = await resolveBot({token: TOKEN_A}, env)
    expect(() => requireChats(flagsOnly)).toThrow(
      'no chat to send to: pass --chat, or set TELEGRAM_CHAT_IDS',
    )
    expect(requireChats(await resolveBot({token: TOKEN_A, chats: ['5']}, env))).toEqual([{chatId: 5, fromRegistry: false}])
  })
})

describe('start-up cost', () => {
  it('loads neither zod, yaml nor the keyring for --token or TELEGRAM_BOT_TOKEN, nor zod and yaml for a plain registry', async () => {
    const env = {PATH: process.env.PATH}
    expect(await runFixtureOutputs('lazy-imports.ts', ['env'], env)).toEqual({stdout: 'resolved from env\n', stderr: ''})
    const loadedBy = async (registry: string) => {
      const outputs = await runFixtureOutputs('lazy-imports.ts', ['registry', await writeConfig(registry)], env)
      expect(outputs.stdout).toBe('resolved from registry\n')
      return outputs.stderr.split('\n').filter((line) => line.startsWith('loaded ')).sort()
    }
    // Read by plain-yaml.ts and plain-registry.ts: only the keychain's library is needed.
    expect(await loadedBy('bots:\n  - name: alerts\n    token: keychain:alerts\n')).toEqual(['loaded @napi-rs/keyring'])
    // A flow mapping is beyond the plain reader: yaml and zod read the file.
    expect(await loadedBy('bots:\n  - {name: alerts, token: keychain:alerts}\n')).toEqual([
      'loaded @napi-rs/keyring',
      'loaded yaml',
      'loaded zod',
    ])
    // Two Node processes compiling TypeScript through tsx: the default 30 s ran out with the load average at 25.
  }, 90_000)
})
