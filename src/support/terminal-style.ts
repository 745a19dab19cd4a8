// When output may carry colour and a progress line: only on a terminal, never for a pipe or a log, and never when
// the user said no (https://no-color.org); FORCE_COLOR asks for colour even through a pipe (https://force-color.org).

export interface TerminalStream {
  isTTY?: boolean
}

export interface StyleEnv {
  NO_COLOR?: string
  FORCE_COLOR?: string
  TERM?: string
}

/** FORCE_COLOR set to anything but '', '0' or 'false'. */
function forced(env: StyleEnv): boolean {
  const value = env.FORCE_COLOR
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false'
}

/** NO_COLOR set and not empty, or FORCE_COLOR=0/false: the user asked for plain output. */
function plainWanted(env: StyleEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return true
  return env.FORCE_COLOR === '0' || env.FORCE_COLOR?.toLowerCase() === 'false'
}

/** Colour on `stream`: FORCE_COLOR wins; else a terminal that is not `dumb`, unless NO_COLOR. */
export function colourOn(stream: TerminalStream, env: StyleEnv): boolean {
  if (forced(env)) return true
  return stream.isTTY === true && env.TERM !== 'dumb' && !plainWanted(env)
}

/**
 * A progress line (on stderr) only when both stdout and stderr are a terminal, the user is watching them, and
 * asked for no plain output. FORCE_COLOR does not force it: a redrawing line would garble a pipe or a log.
 */
export function progressOn(stdout: TerminalStream, stderr: TerminalStream, env: StyleEnv): boolean {
  return stdout.isTTY === true && stderr.isTTY === true && env.TERM !== 'dumb' && !plainWanted(env)
}

const COLOURS = {green: 32, red: 31} as const

/** `text` in `colour` when `on`, else as it is. */
export function paint(text: string, colour: keyof typeof COLOURS, on: boolean): string {
  return on ? `\u001b[${COLOURS[colour]}m${text}\u001b[39m` : text
}
