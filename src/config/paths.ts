import {join, sep} from 'node:path'

import {type Env, homeDir as home, nonEmpty, xdgDir} from '../support/xdg.js'

export type {Env} from '../support/xdg.js'
export {defaultStateDir} from '../support/state-dir.js'

/** Where the bots registry lives, and how to name it in messages (the path as the user gave it, or `~/...`). */
export interface RegistryLocation {
  /** The path to open: absolute, or relative to the working directory when the user gave it so. */
  path: string
  /** The path as messages show it. */
  display: string
  /** True when a `--config` path or `FASTPAY_TG_CONFIG` chose the file rather than the default. */
  explicit: boolean
}

export const CONFIG_ENV_VAR = 'FASTPAY_TG_CONFIG'
/**
 * Set (to any value) by a door that must read a registry only when one is named: the Action, whose runner user's
 * `~/.config` may belong to other projects on a self-hosted runner. `--config` and FASTPAY_TG_CONFIG still work.
 */
export const NO_DEFAULT_CONFIG_ENV_VAR = 'FASTPAY_TG_NO_DEFAULT_CONFIG'

/** `$XDG_CONFIG_HOME/fastpay-tg/config.yml`, or `~/.config/fastpay-tg/config.yml` when XDG_CONFIG_HOME is unset. */
export function defaultConfigPath(env: Env = process.env): string {
  return join(xdgDir(env, 'XDG_CONFIG_HOME', ['.config']), 'fastpay-tg', 'config.yml')
}

/** Shows a path under the home directory as `~/...`, as operators would type it. */
export function displayPath(path: string, env: Env = process.env): string {
  const homeDir = home(env)
  return path.startsWith(homeDir + sep) ? `~${path.slice(homeDir.length)}` : path
}

/**
 * Picks the registry file: the `--config` path, else `FASTPAY_TG_CONFIG`, else the default path.
 * A path the user gave is shown exactly as given.
 */
export function locateRegistry(configPath?: string, env: Env = process.env): RegistryLocation {
  const given = nonEmpty(configPath) ?? nonEmpty(env[CONFIG_ENV_VAR])
  if (given) return {path: given, display: given, explicit: true}
  // An empty path never exists: the registry reads as empty, without a warning.
  if (nonEmpty(env[NO_DEFAULT_CONFIG_ENV_VAR])) return {path: '', display: 'no registry', explicit: false}
  const path = defaultConfigPath(env)
  return {path, display: displayPath(path, env), explicit: false}
}

/** Accepts either a location or a bare path (shown as given). */
export function toLocation(file: RegistryLocation | string): RegistryLocation {
  return typeof file === 'string' ? {path: file, display: file, explicit: true} : file
}
