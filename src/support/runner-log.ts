// The GitHub Actions runner reads every line a step prints for workflow commands: `::error::…` at the start of a line
// once leading spaces are trimmed, and the legacy `##[error]…` anywhere in a line. Text from outside the workflow (a
// fork's pull request title, a commit title) must not be read that way: a title could raise annotations on the base
// repository's run, or stop its commands.
import {nodeCrypto} from './node-crypto.js'

/**
 * `lines` between `::stop-commands::TOKEN` and `::TOKEN::`, the runner's own way to print anything: no command is
 * carried out in between. The token is random, so no text can hold the line that resumes them.
 */
export function withCommandsStopped(lines: readonly string[], resume: string = nodeCrypto().randomUUID()): string[] {
  return [`::stop-commands::${resume}`, ...lines, `::${resume}::`]
}

/**
 * JSON text whose `##[` (only ever inside a string) is written `##\u005b`: the same value for any JSON reader, and no
 * legacy command for the runner. A JSON line never starts with `::`, so that form needs nothing.
 */
export function jsonForRunnerLog(json: string): string {
  return json.replaceAll('##[', '##\\u005b')
}
