import {ExitCode} from './exit-codes.js'

/**
 * A mistake the user can fix: a bad flag, config value or input. Doors print its message as one line, with no
 * stack trace, and exit with code 2.
 */
export class UserError extends Error {
  override readonly name = 'UserError'
  readonly exitCode = ExitCode.usage
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError
}

/**
 * No layer gave a bot token, or the one that names it points at an empty variable. A door may treat it apart from
 * other mistakes: the Action in a fork's pull request, which gets no secrets, warns instead of failing.
 */
export class MissingTokenError extends UserError {}

/**
 * A proxy variable (HTTPS_PROXY, HTTP_PROXY, …) the client cannot use. A mistake of the environment rather than of
 * what a step was given: the Action, on a runner whose proxy it cannot use, warns that its notice was not sent
 * instead of failing the deploy it announces.
 */
export class ProxySettingError extends UserError {}
