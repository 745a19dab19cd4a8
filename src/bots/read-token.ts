import {UserError} from '../user-error.js'

/** A terminal we can switch off echo on: what `process.stdin` is when it is a TTY. */
export interface HiddenInput extends NodeJS.ReadableStream {
  isTTY?: boolean
  setRawMode?: (mode: boolean) => unknown
}

const MAX_TOKEN_INPUT = 4096

/**
 * `--token -`: the token is the whole of stdin, so that it stays out of the command line and the shell history
 * (`pass show bots/alerts | fastpay-tg bots add alerts --token -`). A trailing newline is dropped.
 */
export async function readTokenFromStdin(input: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8')
    // A token is ~46 characters: anything this long is not one, and is not worth holding.
    if (text.length > MAX_TOKEN_INPUT) throw new UserError('--token -: stdin is too long to be a bot token')
  }
  return text.trim()
}

/**
 * Asks for the token on the terminal with echo off, as `passwd` and `ssh` do: nothing of it reaches the screen or
 * the scrollback. Enter ends it; Ctrl-C or Ctrl-D on an empty line cancels.
 */
export function promptHiddenToken(question: string, input: HiddenInput, output: NodeJS.WritableStream): Promise<string> {
  // Echo off before the question shows: a reply typed as soon as it shows must not be echoed.
  input.setRawMode?.(true)
  output.write(question)
  input.setEncoding?.('utf8')
  input.resume()
  return new Promise((resolve, reject) => {
    let value = ''
    const finish = () => {
      input.removeListener('data', onData)
      input.setRawMode?.(false)
      input.pause()
      output.write('\n')
    }
    const onData = (chunk: string | Buffer) => {
      for (const char of String(chunk)) {
        if (char === '\r' || char === '\n' || (char === '\u0004' && value !== '')) {
          finish()
          resolve(value.trim())
          return
        }
        if (char === '\u0003' || char === '\u0004') {
          finish()
          reject(new UserError('--token: cancelled, nothing was added'))
          return
        }
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1)
        else value += char
      }
    }
    input.on('data', onData)
  })
}

/** `--token -`: the hidden prompt on a terminal (a pipe cannot be typed into), else the whole of stdin. */
export function readDashToken(botName: string, input: HiddenInput, output: NodeJS.WritableStream): Promise<string> {
  if (input.isTTY) return promptHiddenToken(`Token for ${botName} (not shown): `, input, output)
  return readTokenFromStdin(input)
}
