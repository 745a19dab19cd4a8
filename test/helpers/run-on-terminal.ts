import {execa} from 'execa'
import {resolve} from 'node:path'

const BIN = resolve(import.meta.dirname, '../../bin/run.js')

export interface TerminalRun {
  /** Everything the terminal showed (stdout and stderr together, as a user sees them), with `\r\n` line ends. */
  screen: string
  exitCode: number
}

/**
 * Runs the built CLI on a real pseudo-terminal (`script`), as a user at a shell would, and types `reply` once
 * `prompt` is on the screen: typing earlier would be echoed before the CLI could turn echo off.
 */
export async function runOnTerminal(env: Record<string, string>, args: string[], prompt: string, reply: string): Promise<TerminalRun> {
  const command = [process.execPath, BIN, ...args].map((part) => `'${part.replaceAll("'", `'\\''`)}'`).join(' ')
  const child = execa('script', ['-qfec', command, '/dev/null'], {env, extendEnv: false, reject: false, timeout: 60_000})
  let screen = ''
  let typed = false
  child.stdout!.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8')
    if (!typed && screen.includes(prompt)) {
      typed = true
      child.stdin!.write(reply)
    }
  })
  const result = await child
  return {screen, exitCode: result.exitCode ?? -1}
}

/** The screen's non-empty lines, trimmed. */
export function screenLines(screen: string): string[] {
  return screen
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
}

/** Runs the built CLI on a real pseudo-terminal (`script`) with nothing typed: what a user at a shell would see. */
export async function showOnTerminal(env: Record<string, string>, args: string[]): Promise<TerminalRun> {
  const command = [process.execPath, BIN, ...args].map((part) => `'${part.replaceAll("'", `'\\''`)}'`).join(' ')
  const result = await execa('script', ['-qfec', command, '/dev/null'], {env, extendEnv: false, reject: false, timeout: 60_000, input: ''})
  return {screen: result.stdout, exitCode: result.exitCode ?? -1}
}
