import {UserError} from '../user-error.js'

/** A terminal we can ask a question on: what `process.stdin` is. */
export interface QuestionInput extends NodeJS.ReadableStream {
  isTTY?: boolean
}

/**
 * Asks a yes/no question on the terminal and reads one line: only `y` or `yes` (any case) agrees, as with gh and
 * apt; Enter, anything else, or the end of input declines.
 */
export function askYesNo(question: string, input: QuestionInput, output: NodeJS.WritableStream): Promise<boolean> {
  output.write(`${question} [y/N] `)
  input.setEncoding?.('utf8')
  input.resume()
  return new Promise((resolve) => {
    let line = ''
    const finish = (answer: boolean) => {
      input.removeListener('data', onData)
      input.removeListener('end', onEnd)
      input.pause()
      resolve(answer)
    }
    const onData = (chunk: string | Buffer) => {
      line += String(chunk)
      const end = line.search(/[\r\n]/)
      if (end >= 0) finish(/^\s*y(es)?\s*$/i.test(line.slice(0, end)))
    }
    const onEnd = () => {
      output.write('\n')
      finish(false)
    }
    input.on('data', onData)
    input.on('end', onEnd)
  })
}

/**
 * What a destructive command does before acting: `--yes` skips the question; on a terminal the user is asked; with
 * no terminal to ask on (cron, CI, a pipe) it refuses, so a script never deletes on a default.
 */
export async function confirmOrRefuse(
  what: string,
  yes: boolean | undefined,
  input: QuestionInput,
  output: NodeJS.WritableStream,
): Promise<boolean> {
  if (yes) return true
  if (!input.isTTY) throw new UserError(`--yes is needed to ${what} when stdin is not a terminal; nothing was changed`)
  return askYesNo(`${what[0]!.toUpperCase()}${what.slice(1)}?`, input, output)
}
