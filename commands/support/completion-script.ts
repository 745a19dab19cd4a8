// Shell completion scripts, generated from the manifest (the commands of this very version): command words at each
// level (`bots <TAB>` → add, list, …) and each command's flags. Files are left to the shell's own completion.
import type {CommandReference, TopicReference} from './command-reference.js'

export const SHELLS = ['bash', 'zsh', 'fish'] as const
export type Shell = (typeof SHELLS)[number]

interface Entry {
  name: string
  description: string
}

interface CompletionTree {
  bin: string
  /** Path in words ('' for the top, 'bots' under it) → the words that may follow it. */
  children: Map<string, Entry[]>
  /** Command path in words → its flags, `--help` included. */
  flags: Map<string, Array<Entry & {takesValue: boolean; options?: string[]}>>
}

export function completionTree(bin: string, commands: readonly CommandReference[], topics: readonly TopicReference[]): CompletionTree {
  const children = new Map<string, Entry[]>()
  const add = (path: string, description: string) => {
    const words = path.split(' ')
    const parent = words.slice(0, -1).join(' ')
    const siblings = children.get(parent) ?? []
    if (!siblings.some((entry) => entry.name === words.at(-1))) siblings.push({name: words.at(-1)!, description})
    children.set(parent, siblings)
  }
  for (const topic of topics) add(topic.topic, topic.description)
  for (const command of commands) add(command.command, command.summary)
  for (const siblings of children.values()) siblings.sort((a, b) => a.name.localeCompare(b.name))
  const flags = new Map(
    commands.map((command) => [
      command.command,
      [
        ...command.flags.map((flag) => ({name: `--${flag.name}`, description: flag.description, takesValue: flag.takesValue, ...(flag.options ? {options: flag.options} : {})})),
        {name: '--help', description: 'Show help for this command.', takesValue: false},
      ],
    ]),
  )
  return {bin, children, flags}
}

/** `fastpay-tg` → `_fastpay_tg`: a name every shell accepts for a function. */
const functionName = (bin: string) => `_${bin.replaceAll(/[^A-Za-z0-9]/g, '_')}`
const oneLine = (text: string) => text.replaceAll(/\s+/g, ' ').trim()
const singleQuoted = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`
const fishQuoted = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`

export function completionScript(shell: Shell, tree: CompletionTree): string {
  if (shell === 'bash') return bashScript(tree)
  if (shell === 'zsh') return zshScript(tree)
  return fishScript(tree)
}

function bashScript({bin, children, flags}: CompletionTree): string {
  const fn = functionName(bin)
  const cases = (table: Map<string, Entry[]>) =>
    [...table].map(([path, entries]) => `    ${singleQuoted(path)}) echo ${singleQuoted(entries.map((entry) => entry.name).join(' '))} ;;`).join('\n')
  return `# ${bin} completion for bash. Load it from ~/.bashrc with: eval "$(${bin} completion bash)"
${fn}_children() {
  case "$1" in
${cases(children)}
  esac
}
${fn}_flags() {
  case "$1" in
${cases(flags)}
  esac
}
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path='' word i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ $word == -* ]] && break
    [[ " $(${fn}_children "$path") " == *" $word "* ]] || break
    path="\${path:+$path }$word"
  done
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(${fn}_flags "$path")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(${fn}_children "$path")" -- "$cur"))
  fi
}
complete -o default -F ${fn} ${bin}
`
}

function zshScript({bin, children, flags}: CompletionTree): string {
  const fn = functionName(bin)
  const cases = (table: Map<string, Entry[]>) =>
    [...table].map(([path, entries]) => `    ${singleQuoted(path)}) reply=(${entries.map((entry) => singleQuoted(`${entry.name}:${oneLine(entry.description)}`)).join(' ')}) ;;`).join('\n')
  return `#compdef ${bin}
# ${bin} completion for zsh. Load it from ~/.zshrc, after compinit, with: eval "$(${bin} completion zsh)"
# (or save it as _${bin} in a directory of $fpath).
${fn}_children() {
  case "$1" in
${cases(children)}
    *) reply=() ;;
  esac
}
${fn}_flags() {
  case "$1" in
${cases(flags)}
    *) reply=() ;;
  esac
}
${fn}() {
  local path='' word i
  local -a reply
  for (( i = 2; i < CURRENT; i++ )); do
    word=\${words[i]}
    [[ $word == -* ]] && break
    ${fn}_children "$path"
    (( \${reply[(I)\${(b)word}:*]} )) || break
    path="\${path:+$path }$word"
  done
  if [[ \${words[CURRENT]} == -* ]]; then
    ${fn}_flags "$path"
    _describe -t flags 'flag' reply
  else
    ${fn}_children "$path"
    if (( \${#reply} )); then _describe -t commands 'command' reply; else _files; fi
  fi
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${bin}
fi
`
}

function fishScript({bin, children, flags}: CompletionTree): string {
  const fn = `_${functionName(bin)}`
  const cases = [...children]
    .map(([path, entries]) => `        case ${fishQuoted(path)}\n${entries.map((entry) => `            printf '%s\\t%s\\n' ${fishQuoted(entry.name)} ${fishQuoted(oneLine(entry.description))}`).join('\n')}`)
    .join('\n')
  const flagLines = [...flags].flatMap(([path, entries]) =>
    entries.map((flag) => {
      const value = flag.options ? ` -x -a ${fishQuoted(flag.options.join(' '))}` : flag.takesValue ? ' -r' : ''
      return `complete -c ${bin} -n ${fishQuoted(`${fn}_at ${fishQuoted(path)}`)} -l ${flag.name.slice(2)}${value} -d ${fishQuoted(oneLine(flag.description))}`
    }),
  )
  return `# ${bin} completion for fish. Install it with: ${bin} completion fish > ~/.config/fish/completions/${bin}.fish
function ${fn}_children
    switch "$argv[1]"
${cases}
    end
end
function ${fn}_path
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l path
    for word in $tokens
        string match -q -- '-*' $word; and break
        contains -- $word (${fn}_children "$path" | string replace -r '\\t.*' ''); or break
        set path $path $word
    end
    echo "$path"
end
function ${fn}_at
    set -l path (${fn}_path)
    test "$path" = "$argv[1]"
end
function ${fn}_has_children
    set -l children (${fn}_children (${fn}_path))
    test (count $children) -gt 0
end
complete -c ${bin} -f -n ${fn}_has_children -a '(${fn}_children (${fn}_path))'
${flagLines.join('\n')}
`
}
