import {UserError} from '../user-error.js'

/** One `--field key=value` of an alert, shown as a `key: value` line. */
export type AlertField = [key: string, value: string]

/**
 * Reads `key=value`: the key is what comes before the first `=` (blanks around it trimmed, must not be empty), the
 * value is everything after it, kept as given (it may be empty and may contain `=`).
 */
export function parseField(input: string, field = '--field'): AlertField {
  const equals = input.indexOf('=')
  const key = equals < 0 ? '' : input.slice(0, equals).trim()
  if (key === '') throw new UserError(`${field}: expected key=value (got ${JSON.stringify(input)})`)
  return [key, input.slice(equals + 1)]
}
