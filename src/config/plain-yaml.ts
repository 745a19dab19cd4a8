// Reads the YAML a bots registry is usually written in, without loading the `yaml` library: block mappings and
// sequences, plain and quoted scalars, one-line flow lists, comments. Loading and running `yaml` (and zod after it)
// cost a start about 60 M instructions, as much as the rest of a `send`. Anything else, and anything whose meaning
// is not beyond doubt (tabs, anchors, tags, multi-line values, numbers other than plain integers, duplicate keys,
// a syntax error), gives undefined before any value is used, and the caller reads the text with `yaml` as before:
// its values and its errors. test/config/plain-yaml.test.ts holds every answer given here to `yaml`'s own.

/** A line of the text: `- ` markers become tokens of their own, so `- name: x` is a dash, then `name: x`. */
interface Token {
  indent: number
  dash: boolean
  text: string
}

/** Thrown inside the reader when the text leaves the subset; never escapes `readPlainYaml`. */
class NotPlain extends Error {}

const notPlain = (): never => {
  throw new NotPlain()
}

// YAML 1.2's core schema, as `yaml` resolves plain scalars (node_modules/yaml/dist/schema/core, common/null.js).
const NULL = /^(?:~|[Nn]ull|NULL)?$/
const TRUE = /^(?:[Tt]rue|TRUE)$/
const FALSE = /^(?:[Ff]alse|FALSE)$/
const PLAIN_INTEGER = /^-?(?:0|[1-9][0-9]*)$/
/** Every other number of the core schema (signed, octal, hex, float, infinity, NaN): left to `yaml`. */
const OTHER_NUMBER =
  /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/
/** Characters a plain scalar may not start with (YAML's indicators); `-` only when a space or nothing follows. */
const INDICATOR_START = /^(?:[?:,[\]{}#&*!|>'"%@`]|-(?: |$))/
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/
/** The spaces of Unicode that JavaScript's trim takes for blanks and YAML does not, and a byte order mark. */
const UNICODE_SPACES = /[\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/

/** Tabs, carriage returns, other control characters, NBSP and the spaces above: a text with any is left to `yaml`. */
function hasUnusualCharacters(text: string): boolean {
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at)
    if (code !== 0x0a && (code < 0x20 || (code >= 0x7f && code <= 0xa0))) return true
  }
  return UNICODE_SPACES.test(text)
}
/** Keys that mean something else to `yaml` or to an object: left to `yaml`. */
const SPECIAL_KEY = /^(?:__proto__|constructor|prototype|null|Null|NULL|true|True|TRUE|false|False|FALSE)$/

/**
 * The text as `yaml`'s `parseDocument(text, {uniqueKeys: true}).toJS()` gives it, when the text stays inside the
 * subset described above and has no error; undefined otherwise (then nothing here was decided).
 */
export function readPlainYaml(text: string): unknown {
  if (hasUnusualCharacters(text)) return undefined
  try {
    const tokens = tokenize(text)
    if (tokens.length === 0) return null
    const reader = new BlockReader(tokens)
    if (tokens[0]!.indent !== 0) notPlain()
    const value = reader.node(0)
    if (!reader.done()) notPlain()
    return value
  } catch (error) {
    if (error instanceof NotPlain) return undefined
    throw error
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  for (const line of text.split('\n')) {
    const content = line.trimStart()
    if (content === '' || content.startsWith('#')) continue
    // Directives and document markers: left to `yaml`.
    if (/^(?:%|---|\.\.\.)/.test(content)) notPlain()
    let indent = line.length - content.length
    let rest = content
    while (rest === '-' || rest.startsWith('- ')) {
      tokens.push({indent, dash: true, text: ''})
      const after = rest.slice(1)
      const item = after.trimStart()
      indent += 1 + after.length - item.length
      rest = item
      if (rest === '' || rest.startsWith('#')) break
      // A list directly inside a list item (`- - x`): left to `yaml`.
      if (rest === '-' || rest.startsWith('- ')) notPlain()
    }
    if (rest !== '' && !rest.startsWith('#')) tokens.push({indent, dash: false, text: rest.trimEnd()})
  }
  return tokens
}

class BlockReader {
  private position = 0

  constructor(private readonly tokens: Token[]) {}

  done(): boolean {
    return this.position === this.tokens.length
  }

  private peek(): Token | undefined {
    return this.tokens[this.position]
  }

  /** The block that starts at the next token, whose indent is `indent`. */
  node(indent: number): unknown {
    const token = this.peek()!
    if (token.dash) return this.sequence(indent)
    if (splitKey(token.text)) return this.mapping(indent)
    // A scalar on a line of its own (a document that is one value, a list item's value on its next line).
    this.position++
    const value = scalar(token.text)
    const next = this.peek()
    if (next && next.indent > indent) notPlain()
    return value
  }

  private sequence(indent: number): unknown[] {
    const items: unknown[] = []
    for (let token = this.peek(); token?.dash && token.indent === indent; token = this.peek()) {
      this.position++
      const next = this.peek()
      items.push(next && next.indent > indent ? this.node(next.indent) : null)
    }
    return items
  }

  private mapping(indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {}
    for (let token = this.peek(); token && !token.dash && token.indent === indent; token = this.peek()) {
      const entry = splitKey(token.text) ?? notPlain()
      if (Object.hasOwn(map, entry.key)) notPlain()
      this.position++
      const next = this.peek()
      if (entry.value !== '') {
        map[entry.key] = scalar(entry.value)
        // More-indented lines after a value would continue it (a multi-line scalar): left to `yaml`.
        if (next && next.indent > indent) notPlain()
      } else if (next && next.indent > indent) {
        map[entry.key] = this.node(next.indent)
      } else if (next?.dash && next.indent === indent) {
        // A list at the key's own indent (`bots:` then `- name: x`), as many hand-written files have it.
        map[entry.key] = this.sequence(indent)
      } else {
        map[entry.key] = null
      }
    }
    return map
  }
}

/** `key: value` (value possibly empty), with a plain or quoted key; undefined for a line that is not one. */
function splitKey(text: string): {key: string; value: string} | undefined {
  let key: string
  let rest: string
  if (text.startsWith('"') || text.startsWith("'")) {
    const quoted = readQuoted(text)
    if (!quoted) return undefined
    key = quoted.value
    rest = text.slice(quoted.length)
  } else {
    const colon = text.indexOf(':')
    if (colon < 0) return undefined
    key = text.slice(0, colon)
    rest = text.slice(colon)
    if (!PLAIN_KEY.test(key)) return undefined
  }
  if (!(rest === ':' || rest.startsWith(': '))) return undefined
  if (SPECIAL_KEY.test(key)) notPlain()
  return {key, value: withoutComment(rest.slice(1)).trim()}
}

/** A one-line value: quoted, a flow list, or plain. */
function scalar(text: string): unknown {
  if (text.startsWith('"') || text.startsWith("'")) {
    const quoted = readQuoted(text) ?? notPlain()
    if (withoutComment(text.slice(quoted.length)).trim() !== '') notPlain()
    return quoted.value
  }
  if (text.startsWith('[')) return flowList(text)
  return plain(withoutComment(text).trim(), false)
}

/** A plain scalar resolved as the core schema does. In a flow list, an empty item or one with `,[]{}:#` is left to `yaml`. */
function plain(text: string, inFlow: boolean): unknown {
  if (inFlow && (text === '' || /[,[\]{}:#]/.test(text))) notPlain()
  if (NULL.test(text)) return null
  if (TRUE.test(text)) return true
  if (FALSE.test(text)) return false
  if (PLAIN_INTEGER.test(text) && text !== '-0') {
    const value = Number(text)
    return Number.isSafeInteger(value) ? value : notPlain()
  }
  if (OTHER_NUMBER.test(text) || INDICATOR_START.test(text)) notPlain()
  if (text.includes(': ') || text.endsWith(':') || text.includes(' #')) notPlain()
  return text
}

/** `[a, "b", 3]` on one line, with nothing after it but a comment. */
function flowList(text: string): unknown[] {
  const items: unknown[] = []
  let at = 1
  const skipSpaces = () => {
    while (text[at] === ' ') at++
  }
  skipSpaces()
  if (text[at] === ']') {
    at++
  } else {
    for (;;) {
      skipSpaces()
      const rest = text.slice(at)
      if (rest.startsWith('"') || rest.startsWith("'")) {
        const quoted = readQuoted(rest) ?? notPlain()
        items.push(quoted.value)
        at += quoted.length
      } else {
        const end = rest.search(/[,\]]/)
        if (end < 0) notPlain()
        items.push(plain(rest.slice(0, end).trim(), true))
        at += end
      }
      skipSpaces()
      const separator = text[at++]
      if (separator === ']') break
      // A trailing comma (`[1, ]`) is left to `yaml`.
      if (separator !== ',' || /^ *\]/.test(text.slice(at))) notPlain()
    }
  }
  if (withoutComment(text.slice(at)).trim() !== '') notPlain()
  return items
}

/** A quoted scalar at the start of `text`: its value and length. Escapes and odd content are left to `yaml`. */
function readQuoted(text: string): {value: string; length: number} | undefined {
  if (text.startsWith('"')) {
    const end = text.indexOf('"', 1)
    if (end < 0) return undefined
    const value = text.slice(1, end)
    if (value.includes('\\')) notPlain()
    return {value, length: end + 1}
  }
  let value = ''
  for (let at = 1; at < text.length; at++) {
    if (text[at] !== "'") {
      value += text[at]
    } else if (text[at + 1] === "'") {
      value += "'"
      at++
    } else {
      return {value, length: at + 1}
    }
  }
  return undefined
}

/** The text before a comment (` #` or a leading `#`); quoted text was read before this is called. */
function withoutComment(text: string): string {
  if (text.startsWith('#')) return ''
  const hash = text.indexOf(' #')
  return hash < 0 ? text : text.slice(0, hash)
}
