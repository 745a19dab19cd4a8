// Shell completion scripts, generated from the manifest (the commands of this very version): command words at each
// level (`bots <TAB>` → add, list, …), each command's flags, a flag's options, and bot names (asked of the installed
// command, `bots list --names`) for --bot, --channel and the NAME of bots commands. Files are left to the shell.
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
  /** Commands whose argument is an existing bot (`bots test NAME`); `bots add` names a new one. */
  botArgs: string[]
}

/** Flags whose value is a bot name (channels are bot names). */
const BOT_FLAGS = new Set(['--bot', '--channel'])

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
  const botArgs = commands.filter((command) => command.command.startsWith('bots ') && command.command !== 'bots add' && command.args[0]?.name === 'name')
  return {bin, children, flags, botArgs: botArgs.map((command) => command.command)}
}

/** For each command, the words a value flag's value may be, by `path --flag`: its options, or `:bots`. */
function valueWords(flags: CompletionTree['flags']): Map<string, string> {
  const values = new Map<string, string>()
  for (const [path, entries] of flags) {
    for (const flag of entries) {
      if (!flag.takesValue) continue
      values.set(`${path} ${flag.name}`, BOT_FLAGS.has(flag.name) ? ':bots' : (flag.options ?? []).join(' '))
    }
  }
  return values
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

/** bash and zsh alike: `path --flag` → the words of its value (options, `:bots`, or none: files), else status 1. */
function valueFunction(fn: string, cases: string): string {
  return `# The value of a flag that takes one ("path --flag"): its options, :bots for a bot name, none for a file or text.
${fn}_value() {
  case "$1" in
${cases}
    *) return 1 ;;
  esac
}`
}

function bashScript({bin, children, flags, botArgs}: CompletionTree): string {
  const fn = functionName(bin)
  const cases = (table: Map<string, Entry[]>) =>
    [...table].map(([path, entries]) => `    ${singleQuoted(path)}) echo ${singleQuoted(entries.map((entry) => entry.name).join(' '))} ;;`).join('\n')
  const values = [...valueWords(flags)].map(([key, words]) => `    ${singleQuoted(key)}) echo ${singleQuoted(words)} ;;`).join('\n')
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
${valueFunction(fn, values)}
# The bot names of the registry (the line's --config, if any) and TELEGRAM_BOT_CONFIGS, from the command itself.
${fn}_bots() {
  local i file config=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    # --config=PATH comes as three words (--config, =, PATH) when = is in COMP_WORDBREAKS, as it is by default.
    if [[ \${COMP_WORDS[i]} == --config ]]; then
      file=\${COMP_WORDS[i + 1]}
      [[ $file == = ]] && file=\${COMP_WORDS[i + 2]}
    elif [[ \${COMP_WORDS[i]} == --config=* ]]; then
      file=\${COMP_WORDS[i]#--config=}
    else
      continue
    fi
    # As typed: a ~/ path is the shell's to expand, and it has not yet (the command is not run).
    config=(--config "\${file/#\\~\\//$HOME/}")
  done
  command "\${COMP_WORDS[0]}" bots list --names "\${config[@]}" 2>/dev/null
}
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD - 1]}" path='' word words i start=1
  # --flag=VALUE: bash splits it at the = (COMP_WORDBREAKS), and readline completes what follows the =.
  if [[ $cur == = && $prev == --* ]]; then
    cur=''
  elif [[ $prev == = && \${COMP_WORDS[COMP_CWORD - 2]} == --* ]]; then
    prev=\${COMP_WORDS[COMP_CWORD - 2]}
  fi
  # help takes command words (help bots list): they complete as they do at the top.
  [[ \${COMP_WORDS[1]} == help ]] && ((COMP_CWORD > 1)) && start=2
  for ((i = start; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ $word == -* ]] && break
    [[ " $(${fn}_children "$path") " == *" $word "* ]] || break
    path="\${path:+$path }$word"
  done
  if ((start == 2)); then
    ((i == COMP_CWORD)) && COMPREPLY=($(compgen -W "$(${fn}_children "$path")" -- "$cur"))
  elif [[ $prev == --* ]] && words="$(${fn}_value "$path $prev")"; then
    [[ $words == :bots ]] && words="$(${fn}_bots)"
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(${fn}_flags "$path")" -- "$cur"))
  elif ((i == COMP_CWORD)) && [[ ${singleQuoted(`|${botArgs.join('|')}|`)} == *"|$path|"* ]]; then
    COMPREPLY=($(compgen -W "$(${fn}_bots)" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(${fn}_children "$path")" -- "$cur"))
  fi
}
complete -o default -F ${fn} ${bin}
`
}

function zshScript({bin, children, flags, botArgs}: CompletionTree): string {
  const fn = functionName(bin)
  const cases = (table: Map<string, Entry[]>) =>
    [...table].map(([path, entries]) => `    ${singleQuoted(path)}) reply=(${entries.map((entry) => singleQuoted(`${entry.name}:${oneLine(entry.description)}`)).join(' ')}) ;;`).join('\n')
  const values = [...valueWords(flags)].map(([key, words]) => `    ${singleQuoted(key)}) reply=(${words.split(' ').filter(Boolean).map(singleQuoted).join(' ')}) ;;`).join('\n')
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
${valueFunction(fn, values)}
# The bot names of the registry (the line's --config, if any) and TELEGRAM_BOT_CONFIGS, from the command itself.
${fn}_bots() {
  local i file
  local -a config
  for (( i = 2; i < CURRENT; i++ )); do
    case \${words[i]} in
      --config) file=\${words[i+1]} ;;
      --config=*) file=\${words[i]#--config=} ;;
      *) continue ;;
    esac
    config=(--config \${file/#\\~\\//$HOME/})
  done
  reply=(\${(f)"$(command \${words[1]} bots list --names $config 2>/dev/null)"})
  reply=(\${reply//:/\\\\:})
}
${fn}() {
  # Not $path: zsh ties it to $PATH, and the bot names come from running the command.
  local at='' word i start=2 prev=\${words[CURRENT-1]} cur=\${words[CURRENT]}
  local -a reply
  # help takes command words (help bots list): they complete as they do at the top.
  (( CURRENT > 2 )) && [[ \${words[2]} == help ]] && start=3
  for (( i = start; i < CURRENT; i++ )); do
    word=\${words[i]}
    [[ $word == -* ]] && break
    ${fn}_children "$at"
    (( \${reply[(I)\${(b)word}:*]} )) || break
    at="\${at:+$at }$word"
  done
  if (( start == 3 )); then
    (( i == CURRENT )) && ${fn}_children "$at" && (( \${#reply} )) && _describe -t commands 'command' reply
  elif [[ $cur == --*=* ]] && ${fn}_value "$at \${cur%%=*}"; then
    # --flag=VALUE is one word in zsh: the part up to the = is kept, the value completes as after --flag.
    compset -P '*='
    [[ $reply == :bots ]] && ${fn}_bots
    if (( \${#reply} )); then _describe -t values 'value' reply; else _files; fi
  elif [[ $prev == --* ]] && ${fn}_value "$at $prev"; then
    [[ $reply == :bots ]] && ${fn}_bots
    if (( \${#reply} )); then _describe -t values 'value' reply; else _files; fi
  elif [[ \${words[CURRENT]} == -* ]]; then
    ${fn}_flags "$at"
    _describe -t flags 'flag' reply
  elif (( i == CURRENT )) && [[ ${singleQuoted(`|${botArgs.join('|')}|`)} == *"|$at|"* ]]; then
    ${fn}_bots
    _describe -t bots 'bot' reply
  else
    ${fn}_children "$at"
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

function fishScript({bin, children, flags, botArgs}: CompletionTree): string {
  const fn = `_${functionName(bin)}`
  const cases = [...children]
    .map(([path, entries]) => `        case ${fishQuoted(path)}\n${entries.map((entry) => `            printf '%s\\t%s\\n' ${fishQuoted(entry.name)} ${fishQuoted(oneLine(entry.description))}`).join('\n')}`)
    .join('\n')
  const flagLines = [...flags].flatMap(([path, entries]) =>
    entries.map((flag) => {
      const value = BOT_FLAGS.has(flag.name) && flag.takesValue ? ` -x -a ${fishQuoted(`(${fn}_bots)`)}` : flag.options ? ` -x -a ${fishQuoted(flag.options.join(' '))}` : flag.takesValue ? ' -r' : ''
      return `complete -c ${bin} -n ${fishQuoted(`${fn}_at ${fishQuoted(path)}`)} -l ${flag.name.slice(2)}${value} -d ${fishQuoted(oneLine(flag.description))}`
    }),
  )
  const botArgLines = botArgs.map((path) => `complete -c ${bin} -f -n ${fishQuoted(`${fn}_wants_bot ${fishQuoted(path)}`)} -a ${fishQuoted(`(${fn}_bots)`)}`)
  return `# ${bin} completion for fish. Install it with: ${bin} completion fish > ~/.config/fish/completions/${bin}.fish
function ${fn}_children
    switch "$argv[1]"
${cases}
    end
end
function ${fn}_path
    set -l tokens (commandline -opc)
    set -e tokens[1]
    # help takes command words (help bots list): they complete as they do at the top.
    test "$tokens[1]" = help; and set -e tokens[1]
    set -l path
    for word in $tokens
        string match -q -- '-*' $word; and break
        contains -- $word (${fn}_children "$path" | string replace -r '\\t.*' ''); or break
        set path $path $word
    end
    echo "$path"
end
function ${fn}_at
    set -l tokens (commandline -opc)
    test "$tokens[2]" != help; or return 1
    set -l path (${fn}_path)
    test "$path" = "$argv[1]"
end
function ${fn}_has_children
    set -l children (${fn}_children (${fn}_path))
    test (count $children) -gt 0
end
# The bot names of the registry (the line's --config, if any) and TELEGRAM_BOT_CONFIGS, from the command itself.
function ${fn}_bots
    set -l tokens (commandline -opc)
    set -l config
    set -l file
    for i in (seq 2 (count $tokens))
        if test "$tokens[$i]" = --config; and test $i -lt (count $tokens)
            set file $tokens[(math $i + 1)]
        else if string match -q -- '--config=*' $tokens[$i]
            set file (string replace -- --config= '' $tokens[$i])
        end
    end
    # As typed: a ~/ path is the shell's to expand, and it has not yet (the command is not run).
    test -n "$file"; and set config --config (string replace -r '^~/' "$HOME/" -- $file)
    command $tokens[1] bots list --names $config 2>/dev/null
end
# Right after a command whose argument is a bot (bots test NAME), before anything else.
function ${fn}_wants_bot
    set -l tokens (commandline -opc)
    test (count $tokens) -eq (math (count (string split ' ' -- $argv[1])) + 1); and ${fn}_at $argv[1]
end
complete -c ${bin} -f -n ${fn}_has_children -a '(${fn}_children (${fn}_path))'
${flagLines.join('\n')}
${botArgLines.join('\n')}
`
}
