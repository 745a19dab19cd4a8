// A command as the manifest describes it, in the words a user types: what `help --json` prints and what the shell
// completions are generated from. Nothing here loads a command class.
import type {Command, Interfaces} from '@oclif/core'

export interface FlagReference {
  name: string
  char?: string
  description: string
  /** False for a switch (`--silent`), true for a flag that takes a value (`--chat ID`). */
  takesValue: boolean
  multiple: boolean
  required: boolean
  options?: string[]
  default?: unknown
  env?: string
}

export interface CommandReference {
  /** As typed: `bots list`. */
  command: string
  summary: string
  description: string
  usage: string[]
  args: Array<{name: string; description: string; required: boolean}>
  flags: FlagReference[]
  examples: Array<{description?: string; command: string}>
}

export interface TopicReference {
  topic: string
  description: string
}

const inWords = (id: string) => id.replaceAll(':', ' ')

/** `<%= config.bin %>` and `<%= command.id %>` as help shows them. */
function rendered(text: string, bin: string, command: string): string {
  return text.replaceAll(/<%=\s*config\.bin\s*%>/g, bin).replaceAll(/<%=\s*command\.id\s*%>/g, command)
}

export function commandReference(cached: Command.Cached, bin: string): CommandReference {
  const command = inWords(cached.id)
  const text = (value: string | undefined) => rendered(value ?? '', bin, command)
  const [firstLine, ...rest] = text(cached.description).split('\n')
  const summary = cached.summary ? text(cached.summary) : (firstLine ?? '')
  const description = cached.summary ? text(cached.description) : rest.join('\n').trim()
  const usage = [cached.usage ?? []].flat().map((line) => `${bin} ${text(line)}`)
  return {
    command,
    summary,
    description,
    usage,
    args: Object.values(cached.args ?? {}).map((arg) => ({name: arg.name, description: arg.description ?? '', required: arg.required === true})),
    flags: Object.values(cached.flags ?? {})
      .filter((flag) => !flag.hidden)
      .map((flag) => ({
        name: flag.name,
        ...(flag.char ? {char: flag.char} : {}),
        description: text(flag.summary ?? flag.description),
        takesValue: flag.type === 'option',
        multiple: flag.type === 'option' && flag.multiple === true,
        required: flag.required === true,
        ...(flag.type === 'option' && flag.options ? {options: [...flag.options]} : {}),
        ...(flag.default !== undefined && flag.default !== false ? {default: flag.default} : {}),
        ...(flag.env ? {env: flag.env} : {}),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    examples: (cached.examples ?? []).map((example) =>
      typeof example === 'string' ? {command: text(example)} : {description: text(example.description), command: text(example.command)},
    ),
  }
}

/** Topics with their one-line descriptions, in words. */
export function topicReferences(config: Interfaces.Config): TopicReference[] {
  return config.topics
    .filter((topic) => !topic.hidden && config.commandIDs.some((id) => id.startsWith(`${topic.name}:`)))
    .map((topic) => ({topic: inWords(topic.name), description: (topic.description ?? '').split('\n')[0] ?? ''}))
    .sort((a, b) => a.topic.localeCompare(b.topic))
}

/** Every visible command, sorted by how it is typed. */
export function commandReferences(config: Interfaces.Config): CommandReference[] {
  return config.commands
    .filter((command) => !command.hidden)
    .map((command) => commandReference(command, config.bin))
    .sort((a, b) => a.command.localeCompare(b.command))
}
