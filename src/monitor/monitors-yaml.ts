// The monitors file is read by js-yaml, not by `yaml` (which the registry keeps for editing with comments intact):
// on a file of 1,000 checks js-yaml parsed about 20x faster warm and 3.5x faster from a cold process (interleaved
// medians, bench/monitors-yaml.mjs), and `monitor run` starts every minute. Core schema, as before: no timestamps,
// no merge keys. js-yaml keeps aliases as shared references, so a self-referring alias or an alias bomb is caught
// here rather than hanging the validation after it.
import {CORE_SCHEMA, load, YAMLException} from 'js-yaml'

import {redact} from '../redact.js'
import {UserError} from '../user-error.js'

const MAX_DEPTH = 64

/** The file's data, or a one-line UserError naming the file (and the line and column of a syntax error). */
export function parseMonitorsYaml(text: string, display: string): unknown {
  let value: unknown
  try {
    value = load(text, {schema: CORE_SCHEMA, filename: display})
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error
    const position = error.mark ? ` at line ${error.mark.line + 1}, column ${error.mark.column + 1}` : ''
    throw new UserError(redact(`${display}: YAML syntax error${position}: ${error.reason}`))
  }
  checkAliases(value, display, 10 * text.length + 10_000)
  return value
}

/**
 * Walks the data as validation will: a node reached again through its own descendants is a cycle, and more nodes
 * than the text could spell out without aliases (by far) is an alias bomb.
 */
function checkAliases(root: unknown, display: string, budget: number): void {
  let visits = 0
  const ancestors = new Set<object>()
  const walk = (value: unknown, depth: number): void => {
    if (typeof value !== 'object' || value === null) return
    if (++visits > budget) throw new UserError(`${display}: YAML aliases expand too far (an alias bomb?)`)
    if (ancestors.has(value)) throw new UserError(`${display}: a YAML alias refers to the collection it is in`)
    if (depth > MAX_DEPTH) throw new UserError(`${display}: YAML nested deeper than ${MAX_DEPTH} levels`)
    ancestors.add(value)
    for (const child of Array.isArray(value) ? value : Object.values(value)) walk(child, depth + 1)
    ancestors.delete(value)
  }
  walk(root, 0)
}
