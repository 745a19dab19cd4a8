// readPlainYaml answers for the YAML most registries are written in, or leaves the text to `yaml`. Whatever it
// answers must be what `yaml` itself makes of the text: the same values, keys in the same order, and no error.
import {isDeepStrictEqual} from 'node:util'
import {describe, expect, it} from 'vitest'
import {parseDocument} from 'yaml'

import {readPlainYaml} from '../../src/config/plain-yaml.js'
import {keyOrderShape} from '../helpers/key-order-shape.js'
import {seeded} from '../helpers/seeded-random.js'

/** `yaml`'s reading, as registry-file.ts makes it; undefined when `yaml` reports an error. */
function yamlReading(text: string): {value: unknown} | undefined {
  const doc = parseDocument(text, {prettyErrors: true, uniqueKeys: true})
  if (doc.errors.length > 0) return undefined
  try {
    return {value: doc.toJS()}
  } catch {
    // An alias with no anchor before it: registry-file.ts reports it.
    return undefined
  }
}


/** readPlainYaml's answer, checked against `yaml`'s reading (given when the caller has it already). */
function expectSameAsYaml(text: string, reading = yamlReading(text)): unknown {
  const plain = readPlainYaml(text)
  if (plain === undefined) return undefined
  if (reading === undefined) expect.fail(`yaml reports an error for:\n${text}`)
  // expect's own comparison, for its message, only when they differ: thousands of cases pass through here.
  const [mine, theirs] = [keyOrderShape(plain), keyOrderShape(reading!.value)]
  if (!isDeepStrictEqual(mine, theirs)) expect(mine, text).toStrictEqual(theirs)
  return plain
}

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw'

/** Registries as people and `fastpay-tg bots add` write them: read here, without `yaml`. */
const PLAIN = [
  `bots:\n  - name: alerts\n    id: 1\n    token: ${TOKEN}\n    chat_ids: [-1001234567890, 42]\n    message_thread_id: 7\n`,
  `bots:\n- name: deploy\n  token: \${DEPLOY_TOKEN}\n  chat_ids: "-100123, @fastpay_status"\n  active: false\n`,
  `# fastpay-tg bots\nbots:\n  - name: health # the monitor's\n    token: 'keychain:health'\n    chat_ids:\n      - -100123\n      - "@fastpay_status"\n\n    chat_type: supergroup\n`,
  `bots:\n  - name: alerts\n    token: "${TOKEN}"\n    chat_ids: []\n    info:\n      username: fastpay_alerts_bot\n      first_name: FastPay alerts\n      synced_at: 2026-11-30T10:00:00.000Z\n      chats:\n        "-1001234567890":\n          title: Ops\n          type: supergroup\n`,
  `bots:\n`,
  ``,
  `# nothing yet\n`,
  `bots: []\nother_tool:\n  setting: on\n`,
  `bots:\n  -   name: spaced\n      token: ${TOKEN}\n  -\n    name: next-line\n    token: ${TOKEN}\n`,
  `bots:\n  - name: quoted\n    token: 'it''s'\n    chat_ids: ['@abcdef', "42"]\n`,
]

/** Left to `yaml`: outside the subset, or an error `yaml` reports in its own words. */
const LEFT_TO_YAML = [
  `bots:\n\t- name: tab\n`,
  `bots:\r\n  - name: crlf\r\n`,
  `bots:\n  - name: nbsp\u00a0\n`,
  `bots:\n\u00a0 - name: nbsp-indent\n`,
  `bots:\n  - name: bell\u0007\n`,
  `bots: &list\n  - name: anchor\nother: *list\n`,
  `bots:\n  - name: !!str tagged\n`,
  `bots:\n  - name: a\n    name: b\n`,
  `bots:\n  - name: multi\n    token: first line\n      second line\n`,
  `bots:\n  - name: block\n    token: |\n      ${TOKEN}\n`,
  `bots:\n  - name: flow\n    info: {username: x}\n`,
  `---\nbots: []\n`,
  `bots:\n  - - nested\n`,
  `bots:\n  - name: hex\n    id: 0x1F\n`,
  `bots:\n  - name: float\n    id: 1.5\n`,
  `bots:\n  - name: plus\n    id: +1\n`,
  `bots:\n  - name: zeros\n    id: 007\n`,
  `bots:\n  - name: big\n    id: 123456789012345678901\n`,
  `bots:\n  - name: reserved\n    chat_ids: @channel\n`,
  `bots:\n  - name: trailing comma\n    chat_ids: [1, 2, ]\n`,
  `bots:\n  - name: unclosed\n    chat_ids: [1, 2\n`,
  `bots:\n  - name: escape\n    token: "a\\nb"\n`,
  `bots:\n  - name: colon: space\n`,
  `bots:\n    - name: a\n  - name: b\n`,
  `  bots: []\n`,
  `42: answer\n`,
  `__proto__: {}\n`,
]

describe('readPlainYaml', () => {
  it.each(PLAIN.map((text) => [text]))('reads %j as yaml does', (text) => {
    expect(expectSameAsYaml(text)).not.toBeUndefined()
  })

  it.each(LEFT_TO_YAML.map((text) => [text]))('leaves %j to yaml', (text) => {
    expect(readPlainYaml(text)).toBeUndefined()
  })

  it('agrees with yaml on thousands of generated texts, valid and broken', () => {
    let read = 0
    let yamlReads = 0
    const random = seeded(20261201)
    for (let i = 0; i < 4000; i++) {
      const text = generatedText(random)
      const reading = yamlReading(text)
      if (expectSameAsYaml(text, reading) !== undefined) read++
      if (reading) yamlReads++
    }
    // Most of what yaml reads is read here too, or the comparison would mean little.
    expect(read).toBeGreaterThan(yamlReads / 2)
  })
})


/** What registries hold, picked most of the time; the rest of SCALARS tries the edges. */
const COMMON = ['alerts', TOKEN, '${ALERTS_TOKEN}', 'keychain:alerts', '42', '-100123', 'true', '"@fastpay_status"', '[-100123, 42]', "'quoted'"]
const SCALARS = [
  'alerts', 'a b', 'x:y', TOKEN, '${ALERTS_TOKEN}', 'keychain:alerts', '42', '-100123', '0', '-0', '+1', '007', '0x1F',
  '0o17', '1e3', '1.5', '.5', '.inf', '-.Inf', '.nan', 'true', 'False', 'TRUE', 'yes', 'no', 'null', 'Null', '~', '',
  '"quoted"', "'single'", "'it''s'", '"a # b"', '"esc\\"', '@channel', '`tick', '%pct', '&anchor', '*alias', '!tag',
  '|', '>', '-', '- item', '-dash', '?', '?q', ':', 'a: b', 'a:', 'a #c', 'a#c', '# comment', '[1, 2]', '[ ]', '[]',
  '["@abcdef", 42]', '[a, [b]]', '[1, ]', '[1,,2]', '[x:y]', '{a: 1}', '"unclosed', "'unclosed", '12345678901234567890',
  '9007199254740991', '9007199254740993', 'ümlaut', '"tab\there"', 'a  b  ', '[1, 2] x', '[1] # c', '"q" x', "'q' # c",
]
const KEYS = ['name', 'id', 'token', 'chat_ids', 'active', 'info', 'bots', '"quoted key"', "'-100123'", '42', 'a b', 'null', 'x.y', '_k']

function generatedText(random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const value = () => (random() < 0.85 ? pick(COMMON) : pick(SCALARS))
  const lines: string[] = []
  const block = (indent: number, depth: number) => {
    const asList = random() < 0.4
    const count = 1 + Math.floor(random() * 3)
    for (let i = 0; i < count; i++) {
      const pad = ' '.repeat(Math.max(0, indent + (random() < 0.05 ? pick([-1, 1, 2]) : 0)))
      if (random() < 0.08) lines.push(random() < 0.5 ? '' : `${pad}# note`)
      const prefix = asList ? '- ' : ''
      if (asList && random() < 0.3) {
        lines.push(`${pad}- ${value()}`)
        continue
      }
      const key = random() < 0.8 ? pick(KEYS.slice(0, 6)) : pick(KEYS)
      if (depth < 3 && random() < 0.35) {
        lines.push(`${pad}${prefix}${key}:${random() < 0.2 ? ' # why' : ''}`)
        const inner = indent + (asList ? 2 : 0) + (random() < 0.2 ? 0 : 2)
        block(inner, depth + 1)
      } else {
        lines.push(`${pad}${prefix}${key}: ${value()}${random() < 0.1 ? ' # why' : ''}`)
      }
      if (asList && random() < 0.5) lines.push(`${pad}  ${pick(KEYS)}: ${value()}`)
    }
  }
  block(0, 0)
  return `${lines.join('\n')}${random() < 0.8 ? '\n' : ''}`
}
