// What a mistyped command gets instead of oclif's `command sedn not found`: the closest commands, written the way
// they are typed (`bots list`, never `bots:list`), and the usage exit code.
import type {Interfaces} from '@oclif/core'

import {redact} from '../../src/redact.js'
import {UserError} from '../../src/user-error.js'

/** The most suggestions printed: past three, the list stops helping. */
const MAX_SUGGESTIONS = 3

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost 1, so
 * `sedn` is one step from `send`.
 */
export function editDistance(a: string, b: string): number {
  const width = b.length + 1
  // One flat table, row by row: cell (i, j) is the distance between the first i letters of a and the first j of b.
  const table = new Array<number>((a.length + 1) * width).fill(0)
  const cell = (i: number, j: number) => table[i * width + j] ?? 0
  for (let i = 0; i <= a.length; i++) table[i * width] = i
  for (let j = 0; j <= b.length; j++) table[j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let distance = Math.min(cell(i - 1, j) + 1, cell(i, j - 1) + 1, cell(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, cell(i - 2, j - 2) + 1)
      table[i * width + j] = distance
    }
  }
  return cell(a.length, b.length)
}

/** Close enough to be a typo: one step for short words, two for longer ones, or the start of the name. */
function closeness(typed: string, name: string): number | undefined {
  const distance = editDistance(typed, name)
  if (distance <= (typed.length <= 3 ? 1 : 2)) return distance
  if (typed.length >= 2 && name.startsWith(typed)) return 3
  return undefined
}

/**
 * What an operator types from habit (other CLIs' words) that no spelling distance reaches: `ls` is two steps from
 * `list`, and renaming is a flag of `bots update` here.
 */
const OTHER_WORDS: Record<string, string> = {
  'bots:rename': 'bots update NAME --rename NEW',
  'bots:ls': 'bots list',
  'bots:rm': 'bots remove',
  'bots:delete': 'bots remove',
}

export interface UnknownCommand {
  /** What the user typed that names no command, in words (`bots lst`). */
  typed: string
  /** The commands or topics meant most likely, closest first, in words. */
  suggestions: string[]
}

/**
 * `id` is oclif's colon-joined guess at the command (`bots:lst`, `sedn:hello` for `sedn hello`); `known` holds every
 * command id and topic name. The first word that leaves the known tree is the typo: its siblings are the candidates,
 * and words after it are kept when the corrected path goes on with them (`monitr run` → `monitor run`).
 */
export function diagnoseUnknownCommand(id: string, known: readonly string[]): UnknownCommand {
  const words = id.split(':').filter(Boolean)
  const meant = OTHER_WORDS[words.slice(0, 2).join(':')]
  if (meant !== undefined) return {typed: words.slice(0, 2).join(' '), suggestions: [meant]}
  const knownIds = new Set(known)
  let depth = 0
  while (depth < words.length - 1 && knownIds.has(words.slice(0, depth + 1).join(':'))) depth++
  const parent = words.slice(0, depth)
  const typo = words[depth] ?? ''
  const siblings = new Set<string>()
  for (const id of known) {
    const parts = id.split(':')
    const name = parts[depth]
    if (name !== undefined && parts.length === depth + 1 && parts.slice(0, depth).join(':') === parent.join(':')) siblings.add(name)
  }
  const ranked = [...siblings]
    .map((name) => ({name, closeness: closeness(typo, name)}))
    .filter((candidate): candidate is {name: string; closeness: number} => candidate.closeness !== undefined)
    .sort((a, b) => a.closeness - b.closeness || a.name.localeCompare(b.name))
    .slice(0, MAX_SUGGESTIONS)
  const suggestions = ranked.map(({name}) => {
    const path = [...parent, name]
    for (const word of words.slice(depth + 1)) {
      if (!knownIds.has([...path, word].join(':'))) break
      path.push(word)
    }
    return path.join(' ')
  })
  return {typed: words.slice(0, depth + 1).join(' '), suggestions}
}

/** One line: what is unknown, and what was probably meant. */
export function unknownCommandMessage(bin: string, {typed, suggestions}: UnknownCommand): string {
  const quoted = suggestions.map((suggestion) => `"${suggestion}"`)
  const meant = quoted.length === 0 ? '' : `; did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`}?`
  return `unknown command "${typed}"${meant} (${bin} help lists the commands)`
}

/** The usage error for a command or topic that does not exist, naming the likely ones. */
export function unknownCommandError(id: string, config: Interfaces.Config): UserError {
  const known = [...config.commandIDs, ...config.topics.map((topic) => topic.name)]
  return new UserError(unknownCommandMessage(config.bin, diagnoseUnknownCommand(id, known)))
}

/**
 * oclif's `command_not_found` hook runs outside any command, so it prints what BaseCommand.catch would: `{error}`
 * JSON on stdout under `--json`, else one line on stderr; and exit code 2, as for any bad flag.
 */
export function reportUnknownCommand(id: string, argv: readonly string[], config: Interfaces.Config): void {
  const error = unknownCommandError(id, config)
  const message = redact(error.message)
  if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({error: {code: 'usage', message, exitCode: error.exitCode}}, null, 2)}\n`)
  else process.stderr.write(`Error: ${message}\n`)
  process.exitCode = error.exitCode
}
