// How the Actions runner reads a step's output for workflow commands (actions/runner, ActionCommandManager and
// ActionCommand.cs): `::name::data` at the start of a line after leading spaces are trimmed (TryParseV2), else the
// legacy `##[name]data` anywhere in the line (TryParse); only registered names count; `::stop-commands::TOKEN` turns
// every command off until a line `::TOKEN::`. Tests use it to see what a line of untrusted text would do.

const REGISTERED = ['set-env', 'set-output', 'save-state', 'add-mask', 'add-path', 'add-matcher', 'remove-matcher', 'debug', 'warning', 'error', 'notice', 'group', 'endgroup', 'echo', 'stop-commands']

export interface WorkflowCommand {
  name: string
  data: string
}

function parse(line: string, registered: ReadonlySet<string>): WorkflowCommand | undefined {
  const trimmed = line.trimStart()
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2)
    const name = end < 0 ? '' : trimmed.slice(2, end).split(' ')[0]!.toLowerCase()
    if (registered.has(name)) return {name, data: trimmed.slice(end + 2)}
  }
  const start = line.indexOf('##[')
  const close = start < 0 ? -1 : line.indexOf(']', start)
  if (close < 0) return undefined
  const name = line.slice(start + 3, close).split(' ')[0]!.toLowerCase()
  return registered.has(name) ? {name, data: line.slice(close + 1)} : undefined
}

/** The commands the runner would carry out for `stdout`, in order (a stop and its resume included). */
export function workflowCommands(stdout: string): WorkflowCommand[] {
  const registered = new Set(REGISTERED)
  const commands: WorkflowCommand[] = []
  let stopToken: string | undefined
  for (const line of stdout.split('\n')) {
    const command = parse(line, registered)
    if (command === undefined) continue
    if (stopToken !== undefined) {
      if (command.name !== stopToken) continue
      registered.delete(stopToken)
      stopToken = undefined
    } else if (command.name === 'stop-commands') {
      stopToken = command.data.toLowerCase()
      registered.add(stopToken)
    }
    commands.push(command)
  }
  return commands
}
