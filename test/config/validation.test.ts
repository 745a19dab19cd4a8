import {describe, expect, it} from 'vitest'
import {loadRegistry, resolveBot} from '../../src/config/index.js'
import {isolatedEnv, TOKEN_A, TOKEN_B, writeConfig} from './helpers.js'

async function registryError(text: string): Promise<{path: string; message: string}> {
  const path = await writeConfig(text)
  const error = await loadRegistry(path).then(
    () => undefined,
    (caught: Error) => caught,
  )
  expect(error?.name).toBe('UserError')
  return {path, message: error!.message}
}

async function envError(configs: string): Promise<string> {
  const error = await resolveBot({}, await isolatedEnv({TELEGRAM_BOT_CONFIGS: configs})).then(
    () => undefined,
    (caught: Error) => caught,
  )
  expect(error?.name).toBe('UserError')
  return error!.message
}

const bot = (extra: string) => `bots:\n  - name: alerts\n    token: ${TOKEN_A}\n${extra}`

describe('registry file', () => {
  it('names the file, the field and what was expected', async () => {
    const cases: [string, string][] = [
      [
        `bots:\n  - name: alerts\n    token: ${TOKEN_A}\n  - name: ops\n    token: ${TOKEN_B}\n    chat_ids: [abc]\n`,
        'bots[1].chat_ids[0]: expected a chat id (integer) or @username, got "abc"',
      ],
      [bot('    chat_ids: "abc"\n'), 'bots[0].chat_ids: expected a chat id (integer) or @username, got "abc"'],
      [bot('    chat_ids: "42, abc"\n'), 'bots[0].chat_ids: expected a chat id (integer) or @username, got "abc"'],
      [bot('    chat_ids: {a: 1}\n'), 'bots[0].chat_ids: expected chat ids: a list like [-1001234567890, "@channel"] or a string like "-1001234567890,@channel", got {"a":1}'],
      [bot('    chat_ids: [12.5]\n'), 'bots[0].chat_ids[0]: expected a chat id (integer) or @username, got 12.5'],
      [bot('    chat_ids: ["@abcd"]\n'), 'bots[0].chat_ids[0]: expected a chat id (integer) or @username, got "@abcd"'],
      [bot('    active: "yes"\n'), 'bots[0].active: expected true or false, got "yes"'],
      [bot('    active: yes\n'), 'bots[0].active: expected true or false, got "yes"'],
      [bot('    chat_type: forum\n'), 'bots[0].chat_type: expected one of private, group, supergroup, channel, got "forum"'],
      [bot('    message_thread_id: -3\n'), 'bots[0].message_thread_id: expected a positive integer, got -3'],
      [bot('    id: "one"\n'), 'bots[0].id: expected a positive integer, got "one"'],
      [
        bot('    chat_id: [1]\n'),
        'bots[0]: unknown key "chat_id" (expected name, id, token, chat_ids, chat_type, message_thread_id, active, info)',
      ],
      ['bots:\n  - name: alerts\n', 'bots[0].token: expected a string'],
      ['bots:\n  - name: alerts\n    token: ${BAD NAME}\n', 'bots[0].token: expected ${NAME} with NAME made of letters, digits and _'],
      [`bots:\n  - name: 7up\n    token: ${TOKEN_A}\n`, 'bots[0].name: expected a name: a letter, then letters, digits, _ . or - (64 at most), got "7up"'],
      ['bots: alerts\n', 'bots: expected a list of bots, got "alerts"'],
      ['- alerts\n', 'expected a mapping with a "bots" list, got ["alerts"]'],
      [bot('    active: maybe\n    chat_ids: "x"\n'), 'bots[0].chat_ids: expected a chat id (integer) or @username, got "x" (and 1 more problem)'],
    ]
    for (const [text, expected] of cases) {
      const {path, message} = await registryError(text)
      expect(message).toBe(`${path}: ${expected}`)
    }
  })

  it('rejects duplicate names (in any case) and duplicate ids', async () => {
    const names = await registryError(`bots:\n  - name: alerts\n    token: a\n  - name: ALERTS\n    token: b\n`)
    expect(names.message).toBe(`${names.path}: bots[1].name: duplicate name "ALERTS" (also bots[0]; names ignore case)`)
    const ids = await registryError(`bots:\n  - name: a\n    id: 3\n    token: a\n  - name: b\n    id: 3\n    token: b\n`)
    expect(ids.message).toBe(`${ids.path}: bots[1].id: duplicate id 3 (also bots[0])`)
  })

  it('gives the line and column of a YAML syntax error', async () => {
    const unclosed = await registryError(`bots:\n  - name: alerts\n    chat_ids: [1, 2\n    token: x\n`)
    expect(unclosed.message).toBe(
      `${unclosed.path}: YAML syntax error at line 4, column 5: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    )
    const duplicateKey = await registryError(`bots:\n  - name: alerts\n    name: again\n`)
    expect(duplicateKey.message).toBe(`${duplicateKey.path}: YAML syntax error at line 3, column 5: Map keys must be unique`)
  })

  it('names an alias without its anchor (a typo, or the anchor set after it), rather than calling it an alias bomb', async () => {
    const typo = await registryError(bot('    active: *nope\n'))
    expect(typo.message).toBe(`${typo.path}: YAML alias *nope has no anchor &nope before it`)
    const late = await registryError(`bots:\n  - name: alerts\n    token: ${TOKEN_A}\n    chat_ids: *ids\n  - name: ops\n    token: ${TOKEN_B}\n    chat_ids: &ids [42]\n`)
    expect(late.message).toBe(`${late.path}: YAML alias *ids has no anchor &ids before it`)
  })

  it('never shows a token in a message, even one put in the wrong field', async () => {
    const token = '1234567890:ABCDEFGHIJKLMNOPQRSTUVWXYZ123456789'
    const {path, message} = await registryError(`bots:\n  - name: alerts\n    token: ${TOKEN_A}\n    active: ${token}\n`)
    expect(message).toBe(`${path}: bots[0].active: expected true or false, got "1234567890:AB…89"`)
  })

  it('reads numeric strings as ids, blank keys as absent, and an empty file as no bots', async () => {
    const path = await writeConfig(`# just comments\nbots:\n  - name: alerts\n    token: t\n    chat_ids: ["-100123", " 42 "]\n    chat_type:\n`)
    const registry = await loadRegistry(path)
    expect(registry.bots).toEqual([
      {name: 'alerts', token: 't', chat_ids: [-100123, 42], active: true, index: 0, id: undefined, chat_type: undefined, message_thread_id: undefined, info: undefined},
    ])
    expect((await loadRegistry(await writeConfig(''))).bots).toEqual([])
    expect((await loadRegistry(await writeConfig('# nothing yet\n'))).bots).toEqual([])
    const absent = {path: '/nonexistent/fastpay-tg/config.yml', display: '~/nowhere/config.yml', explicit: false}
    expect(await loadRegistry(absent)).toEqual({location: absent, exists: false, bots: [], warnings: []})
  })
})

describe('TELEGRAM_BOT_CONFIGS', () => {
  it('reports JSON that does not parse, without echoing it', async () => {
    expect(await envError('not json')).toBe("TELEGRAM_BOT_CONFIGS: not valid JSON (Unexpected token 'o')")
    expect(await envError(`[{"token": "${TOKEN_A}"`)).toBe(
      "TELEGRAM_BOT_CONFIGS: not valid JSON (Expected ',' or '}' after property value in JSON at position 55)",
    )
  })

  it('names the entry and field of a wrong type', async () => {
    expect(await envError('[{"name": "a"}]')).toBe('TELEGRAM_BOT_CONFIGS[0].token: expected a string')
    expect(await envError('[{"name": "a", "token": 5}]')).toBe('TELEGRAM_BOT_CONFIGS[0].token: expected a string, got 5')
    expect(await envError(`[{"token": "${TOKEN_A}"}, {"token": "${TOKEN_B}", "chat_ids": ["x1"]}]`)).toBe(
      'TELEGRAM_BOT_CONFIGS[1].chat_ids[0]: expected a chat id (integer) or @username, got "x1"',
    )
    expect(await envError('{"name": "a"}')).toBe(
      'TELEGRAM_BOT_CONFIGS: expected a JSON array like [{"name": "alerts", "token": "...", "chat_ids": [-1001234567890]}], got {"name":"a"}',
    )
    expect(await envError('["a"]')).toBe(
      'TELEGRAM_BOT_CONFIGS[0]: expected an object like {"name": "alerts", "token": "...", "chat_ids": [-1001234567890]}, got "a"',
    )
  })

  it('a name two entries share (in any case) is refused when asked for; the list is read', async () => {
    const env = await isolatedEnv({TELEGRAM_BOT_CONFIGS: `[{"name": "a", "token": "x"}, {"name": "A", "token": "y"}, {"name": "b", "token": "z"}]`})
    await expect(resolveBot({bot: 'a'}, env)).rejects.toThrow('TELEGRAM_BOT_CONFIGS[1].name: duplicate name "A" (also TELEGRAM_BOT_CONFIGS[0]; names ignore case)')
    const other = await resolveBot({bot: 'b'}, env)
    expect(other.token.value).toBe('z')
    expect(other.warnings).toEqual(['TELEGRAM_BOT_CONFIGS[1].name: duplicate name "A" (also TELEGRAM_BOT_CONFIGS[0]; names ignore case): that name is refused, the other entries work'])
  })
})
