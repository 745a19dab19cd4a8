// Runs a zsh completion script in a real completion widget: an interactive zsh on a pseudo-terminal (zsh/zpty) with
// compinit, the line typed and TAB pressed. What zsh's own matching keeps of each compadd call (compset, prefixes,
// -P and all) is printed between markers; `_describe` and `_files` are zsh's own. Stubs outside a widget cannot show
// how `--flag=VALUE` is matched, since compset and compadd work only inside one.
import {execFileSync} from 'node:child_process'
import {dirname, join} from 'node:path'

const DRIVER = `zmodload zsh/zpty
zpty z zsh -f -i
# compinit writes its dump once (seconds on a loaded machine) and later runs load it.
zpty -w z "PROMPT= ; RPROMPT= ; autoload -Uz compinit; compinit -u -C -d \${(q)3}"
zpty -w z "source \${(q)1}"
# Every final compadd call (not the ones that only fill an array, -O -A -D) prints the words zsh matched.
zpty -w z 'compadd () { if [[ " $* " == *" -"[OAD]" "* ]]; then builtin compadd "$@"; return $?; fi; typeset -a __hits; builtin compadd -A __hits "$@"; local r=$?; (( $#__hits )) && print -rl -- "<M>"\${^__hits}"</M>"; return r }'
zpty -w z '_capture_wrap() { _fastpay_tg "$@"; print -r -- "<DONE>"; }; compdef _capture_wrap fastpay-tg'
zpty -w z 'print -r -- "<READY>"'
zpty -r z line '*<READY>*'
zpty -n -w z "$2"$'\\t'
zpty -r z out '*<DONE>*'
print -r -- "$out" | tr -d '\\r' | grep -o '<M>[^<]*' | sed 's/<M>//'
zpty -d z
`

/** The words zsh offers when TAB is pressed at the end of `line`, with `script` loaded. */
export function zshOffers(script: string, line: string, env: Record<string, string>): string[] {
  const dump = join(dirname(script), '.zcompdump-test')
  return execFileSync('zsh', ['-c', DRIVER, 'zsh', script, line, dump], {encoding: 'utf8', env, timeout: 60_000})
    .split('\n')
    .filter(Boolean)
}
