/**
 * A service other than Telegram that a run cannot do without (the fleet's Redis store) did not answer. Doors exit
 * with 3, as for Telegram unreachable: nothing was changed, and running again once it answers can help.
 */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError'
}

export function isUnreachableError(error: unknown): error is UnreachableError {
  return error instanceof UnreachableError
}
