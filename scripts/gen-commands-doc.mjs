// Writes docs/commands.md, the command reference, from the oclif manifest the build writes (so `npm run build`
// first): every command with its summary, description, usage, arguments, flags and examples, as `help` shows them.
// `--check` writes nothing and exits 1 when the file differs from what the manifest gives (a test runs it in CI).
import {readFileSync, writeFileSync} from 'node:fs'

const OUT = 'docs/commands.md'
const BIN = 'fastpay-tg'
// Flags every command shares (BaseCommand): described once, at the top.
const SHARED = ['json', 'bot', 'token', 'config', 'timeout', 'debug']

const manifest = JSON.parse(readFileSync('oclif.manifest.json', 'utf8'))
const pjson = JSON.parse(readFileSync('package.json', 'utf8'))
const commands = Object.values(manifest.commands)
  .filter((command) => !command.hidden)
  .sort((a, b) => a.id.localeCompare(b.id))

const words = (id) => id.replaceAll(':', ' ')
const render = (text, command) => (text ?? '').replaceAll(/<%=\s*config\.bin\s*%>/g, BIN).replaceAll(/<%=\s*command\.id\s*%>/g, words(command.id))
/** Prose as Markdown: `<placeholders>` kept literal and `*` never emphasis, outside `code spans` (kept as they are). */
const prose = (text) =>
  text
    .split(/(`[^`]*`)/)
    .map((part, index) => (index % 2 === 1 ? part : part.replaceAll('\\', '\\\\').replaceAll('*', '\\*').replaceAll('<', '&lt;').replaceAll('>', '&gt;')))
    .join('')
const cell = (text) => prose(text).replaceAll('|', '\\|').replaceAll('\n', ' ')
const anchor = (command) => `${BIN} ${words(command.id)}`.replaceAll(' ', '-').replaceAll(/[^a-z0-9-]/g, '')

function flagLabel(flag) {
  const value = flag.type === 'option' ? (flag.options ? ` ${flag.options.join('|')}` : ' VALUE') : ''
  return `\`${flag.char ? `-${flag.char}, ` : ''}--${flag.name}${value}${flag.multiple ? '...' : ''}\``
}

function flagNotes(flag) {
  const notes = []
  if (flag.required) notes.push('Required.')
  if (flag.default !== undefined && flag.default !== false) notes.push(`Default: \`${Array.isArray(flag.default) ? flag.default.join(',') : flag.default}\`.`)
  if (flag.env) notes.push(`Env: \`${flag.env}\`.`)
  return notes.length === 0 ? '' : ` ${notes.join(' ')}`
}

function flagTable(flags, command) {
  const rows = flags.map((flag) => `| ${flagLabel(flag)} | ${cell(render(flag.summary ?? flag.description, command))}${flagNotes(flag)} |`)
  return ['| Flag | Description |', '| --- | --- |', ...rows].join('\n')
}

function usageLine(command) {
  if (command.usage) return [command.usage].flat().map((line) => `${BIN} ${render(line, command)}`)
  const args = Object.values(command.args ?? {}).map((arg) => (arg.required ? arg.name.toUpperCase() : `[${arg.name.toUpperCase()}]`))
  const own = Object.values(command.flags).filter((flag) => !SHARED.includes(flag.name) && !flag.hidden)
  const required = own.filter((flag) => flag.required).map((flag) => `--${flag.name}${flag.type === 'option' ? ' VALUE' : ''}`)
  return [[BIN, words(command.id), ...args, ...required, own.some((flag) => !flag.required) || SHARED.some((name) => command.flags[name]) ? '[FLAGS]' : ''].filter(Boolean).join(' ')]
}

function section(command) {
  const lines = [`## \`${BIN} ${words(command.id)}\``, '', prose(render(command.summary ?? command.description?.split('\n')[0], command)), '']
  lines.push('```', ...usageLine(command), '```', '')
  const description = render(command.summary ? command.description : command.description?.split('\n').slice(1).join('\n'), command).trim()
  if (description) lines.push(prose(description), '')
  const args = Object.values(command.args ?? {})
  if (args.length > 0) {
    lines.push('| Argument | Description |', '| --- | --- |')
    for (const arg of args) lines.push(`| \`${arg.name.toUpperCase()}\` | ${cell(render(arg.description, command))}${arg.required ? ' Required.' : ''} |`)
    lines.push('')
  }
  const own = Object.values(command.flags)
    .filter((flag) => !SHARED.includes(flag.name) && !flag.hidden)
    .sort((a, b) => a.name.localeCompare(b.name))
  if (own.length > 0) lines.push(flagTable(own, command), '')
  const shared = SHARED.filter((name) => command.flags[name]).map((name) => `\`--${name}\``)
  if (shared.length > 0) lines.push(`Also takes ${shared.join(', ')} (see [Flags every command takes](#flags-every-command-takes)).`, '')
  const examples = command.examples ?? []
  if (examples.length > 0) {
    lines.push('```sh')
    for (const example of examples) {
      if (typeof example === 'string') lines.push(render(example, command))
      else lines.push(`# ${render(example.description, command)}`, render(example.command, command))
    }
    lines.push('```', '')
  }
  return lines.join('\n')
}

function document() {
  const reference = commands.find((command) => SHARED.every((name) => command.flags[name]))
  const topics = Object.entries(pjson.oclif.topics ?? {}).sort(([a], [b]) => a.localeCompare(b))
  return `${[
    '# Command reference',
    '',
    `Generated from the oclif manifest by \`npm run docs\` (\`scripts/gen-commands-doc.mjs\`); a test fails when it is stale. \`${BIN} help COMMAND\` prints the same for one command, and \`${BIN} help COMMAND --json\` as data.`,
    '',
    '## Commands',
    '',
    ...commands.map((command) => `- [\`${BIN} ${words(command.id)}\`](#${anchor(command)}): ${prose(render(command.summary ?? command.description?.split('\n')[0], command))}`),
    '',
    `Topics group commands: ${topics.map(([name, topic]) => `\`${name}\` (${prose(topic.description)})`).join(', ')}.`,
    '',
    '## Flags every command takes',
    '',
    'All of them on the commands that select a bot; `help`, `version` and `completion` take `--json` and `--debug` only.',
    '',
    reference ? flagTable(SHARED.map((name) => reference.flags[name]), reference) : '',
    '',
    ...commands.map(section),
  ]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`
}

const text = document()
if (process.argv.includes('--check')) {
  let current = ''
  try {
    current = readFileSync(OUT, 'utf8')
  } catch {}
  if (current !== text) {
    console.error(`${OUT} is stale: run npm run docs, and commit it`)
    process.exit(1)
  }
} else {
  writeFileSync(OUT, text)
}
