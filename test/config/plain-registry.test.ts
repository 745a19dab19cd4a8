// acceptRegistryData accepts what the registry's zod schema surely accepts, or leaves the value to the schema. What
// it accepts must be what the schema's parse gives: the same bots, keys in the same order, the same defaults.
import {isDeepStrictEqual} from 'node:util'
import {describe, expect, it} from 'vitest'

import {acceptEnvBotList, acceptRegistryData} from '../../src/config/plain-registry.js'
import {envBotListSchema, registryFileSchema} from '../../src/config/schema.js'
import {keyOrderShape} from '../helpers/key-order-shape.js'
import {seeded} from '../helpers/seeded-random.js'

/** A plain reader and the zod schema it stands in for; `parse` gives the schema's value, undefined when it refuses. */
interface Reader {
  accept: (value: unknown) => unknown
  parse: (value: unknown) => {value: unknown} | undefined
}

const REGISTRY: Reader = {
  accept: acceptRegistryData,
  parse: (value) => {
    const parsed = registryFileSchema.safeParse(value)
    return parsed.success ? {value: parsed.data.bots} : undefined
  },
}

const ENV_LIST: Reader = {
  accept: acceptEnvBotList,
  parse: (value) => {
    const parsed = envBotListSchema.safeParse(value)
    return parsed.success ? {value: parsed.data} : undefined
  },
}

/** Whether the reader accepted `value`; what it accepted must be the schema's value, keys in the same order. */
function expectSameAsSchema(reader: Reader, value: unknown, parsed = reader.parse(value)): boolean {
  const accepted = reader.accept(value)
  if (accepted === undefined) return false
  if (parsed === undefined) expect.fail(`the schema refuses what was accepted: ${JSON.stringify(value)}`)
  // expect's own comparison, for its message, only when they differ: thousands of cases pass through here.
  const [mine, theirs] = [keyOrderShape(accepted), keyOrderShape(parsed.value)]
  if (!isDeepStrictEqual(mine, theirs)) expect(mine, JSON.stringify(value)).toStrictEqual(theirs)
  return true
}

/** Generated values: the reader accepts exactly what the schema accepts among them, each as the schema reads it. */
function expectAgreementOn(reader: Reader, seed: number, generate: (random: () => number) => unknown): void {
  const random = seeded(seed)
  let accepted = 0
  let schemaAccepts = 0
  for (let i = 0; i < 4000; i++) {
    const value = generate(random)
    const parsed = reader.parse(value)
    if (expectSameAsSchema(reader, value, parsed)) accepted++
    if (parsed) schemaAccepts++
  }
  // Everything the schema accepts is accepted here too: these are the values config holds.
  expect(accepted).toBe(schemaAccepts)
  expect(accepted).toBeGreaterThan(400)
}

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw'

describe('acceptRegistryData', () => {
  it('accepts registries as they are written, with the schema’s defaults', () => {
    const bots = [
      {name: 'alerts', id: 1, token: TOKEN, chat_ids: [-1001234567890, '42', '@fastpay_status'], message_thread_id: 7},
      {name: 'deploy', token: '${DEPLOY_TOKEN}', chat_ids: '-100123, @fastpay_status', active: false, chat_type: 'supergroup'},
      {name: 'health', token: 'keychain:health', id: null, chat_type: null, active: null},
      {name: 'info', token: TOKEN, info: {username: 'x_bot', extra: 1, chats: {'-100123': {title: 'Ops', note: 'kept'}, 42: {}}}},
    ]
    for (const data of [{bots}, {bots: null}, {}, {bots: [], links: [], other: {a: 1}}]) expect(expectSameAsSchema(REGISTRY, data)).toBe(true)
    expect(acceptRegistryData({bots})![1]).toStrictEqual({
      name: 'deploy',
      token: '${DEPLOY_TOKEN}',
      chat_ids: [-100123, '@fastpay_status'],
      chat_type: 'supergroup',
      active: false,
    })
  })

  it.each([
    ['not a mapping', []],
    ['bots not a list', {bots: 'alerts'}],
    ['an unknown key', {bots: [{name: 'alerts', token: TOKEN, chat: 1}]}],
    ['a bad name', {bots: [{name: '1alerts', token: TOKEN}]}],
    ['no token', {bots: [{name: 'alerts'}]}],
    ['a bad ${VAR}', {bots: [{name: 'alerts', token: '${BAD-NAME}'}]}],
    ['keychain: alone', {bots: [{name: 'alerts', token: 'keychain:'}]}],
    ['a bad chat id', {bots: [{name: 'alerts', token: TOKEN, chat_ids: '42,abc'}]}],
    ['an id of 0', {bots: [{name: 'alerts', token: TOKEN, id: 0}]}],
    ['active as text', {bots: [{name: 'alerts', token: TOKEN, active: 'yes'}]}],
    ['info not a mapping', {bots: [{name: 'alerts', token: TOKEN, info: 'x'}]}],
  ])('leaves %s to the schema', (_what, data) => {
    expect(acceptRegistryData(data)).toBeUndefined()
    expect(registryFileSchema.safeParse(data).success).toBe(false)
  })

  it('agrees with the schema on thousands of generated registries', () => {
    expectAgreementOn(REGISTRY, 20261202, generatedRegistry)
  })
})

describe('acceptEnvBotList', () => {
  it('agrees with the schema on thousands of generated TELEGRAM_BOT_CONFIGS', () => {
    expectAgreementOn(ENV_LIST, 20261203, generatedEnvList)
    expect(acceptEnvBotList([{token: TOKEN, chat_ids: '1, 2', other: 'dropped'}])).toStrictEqual([{token: TOKEN, chat_ids: [1, 2]}])
    // Trimmed as TELEGRAM_BOT_TOKEN is: a pasted token with a space would get 401, a name with one would never match.
    expect(acceptEnvBotList([{name: 'alerts ', token: ` ${TOKEN}\n`}])).toStrictEqual([{name: 'alerts', token: TOKEN, chat_ids: []}])
  })
})

/** Each field's values, right ones first: the first two are picked most often. */
const FIELDS: Record<string, unknown[]> = {
  name: ['alerts', 'Deploy.v2', 'x'.repeat(65), '1abc', '', 42, null],
  id: [1, 7, 0, -1, 1.5, '1', 2 ** 53, null],
  token: [TOKEN, '${ALERTS_TOKEN}', 'keychain:alerts', '${bad-name}', 'keychain:', '', 5, null, ` ${TOKEN}\n`, ' ${ALERTS_TOKEN} ', ' keychain: ', ' '],
  chat_ids: [[-100123, '@fastpay_status'], '42, -100123', '1,,@abcdef', 42, [], null, 'x', [null], {}, [1.5], ['@ab'], 2 ** 60],
  chat_type: ['group', 'channel', 'other', null, 1],
  message_thread_id: [7, 1, 0, null, '7'],
  active: [true, false, null, 'yes', 0],
  info: [
    {username: 'x_bot', first_name: 'X', synced_at: '2026-11-30T10:00:00.000Z'},
    {chats: {'-100123': {title: 'Ops', type: 'supergroup', extra: [1]}, 42: {username: 'u'}}, zz: 1},
    null,
    'x',
    {first_name: 5},
    {chats: null},
    {chats: {1: 'x'}},
    {chats: {1: {title: null}}},
    {toString: 'kept', constructor: 1, chats: {'-100123': {hasOwnProperty: 'kept'}}},
  ],
  extra: ['x'],
}

function generatedRegistry(random: () => number): unknown {
  const pick = <T>(list: readonly T[]): T => (random() < 0.7 ? list[Math.floor(random() * 2)]! : list[Math.floor(random() * list.length)]!)
  const bot = () => {
    const fields: Record<string, unknown> = {}
    for (const [key, values] of Object.entries(FIELDS)) {
      const keep = key === 'name' || key === 'token' ? random() < 0.97 : key === 'extra' ? random() < 0.03 : random() < 0.5
      if (keep) fields[key] = pick(values)
    }
    return fields
  }
  const roll = random()
  if (roll < 0.03) return pick([[], 'bots', 42])
  if (roll < 0.06) return {bots: pick([null, 'alerts', {}])}
  return {bots: Array.from({length: Math.floor(random() * 3)}, bot), ...(random() < 0.1 ? {links: []} : {})}
}

const ENV_FIELDS: Record<string, unknown[]> = {
  name: ['alerts', 'ci', '', null, 5, 'alerts ', ' \t'],
  token: [TOKEN, 'short', '', null, 5, ` ${TOKEN}\n`, ' '],
  chat_ids: FIELDS.chat_ids!,
  other: ['dropped'],
}

function generatedEnvList(random: () => number): unknown {
  const pick = <T>(list: readonly T[]): T => (random() < 0.7 ? list[Math.floor(random() * 2)]! : list[Math.floor(random() * list.length)]!)
  if (random() < 0.03) return pick([{}, 'x', null])
  return Array.from({length: Math.floor(random() * 3)}, () => {
    if (random() < 0.03) return pick([null, [], 'x'])
    const entry: Record<string, unknown> = {}
    for (const [key, values] of Object.entries(ENV_FIELDS)) if (random() < (key === 'token' ? 0.97 : 0.5)) entry[key] = pick(values)
    return entry
  })
}
