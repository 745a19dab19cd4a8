import {homedir} from 'node:os'
import {isAbsolute, join} from 'node:path'

/** The environment variables config reads. Tests pass their own object instead of `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/** `$HOME`, else the OS's idea of it. */
export function homeDir(env: Env): string {
  return nonEmpty(env.HOME) ?? homedir()
}

/** `$variable` when it is an absolute path, else `~/<fallback>`: the XDG spec says relative values must be ignored. */
export function xdgDir(env: Env, variable: string, fallback: string[]): string {
  const value = nonEmpty(env[variable])
  return value && isAbsolute(value) ? value : join(homeDir(env), ...fallback)
}
