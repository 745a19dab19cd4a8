// `yaml` is CommonJS: a dynamic `import('yaml')` inside the CLI bundle would see only its default export. This
// ESM wrapper is what gets loaded lazily instead, so resolution stays free of yaml's cost until a file is read.
import type {Document} from 'yaml'
import {UserError} from '../user-error.js'

export {Document, isMap, isScalar, isSeq, parseDocument, Scalar, YAMLMap, YAMLSeq} from 'yaml'

/** How many nodes aliases may pull in before a file counts as an alias bomb (yaml's own default, made explicit). */
const MAX_ALIAS_COUNT = 100

/**
 * The document as plain data, for every YAML file we read (registry, monitors). A file whose aliases expand
 * without bound (an alias bomb) or contain themselves (`a: &a {b: *a}`) is one line naming it: the first would eat
 * the memory, the second would send validation and messages round in circles.
 */
export function toPlainData(doc: Document, where: string): unknown {
  let json: unknown
  try {
    json = doc.toJS({maxAliasCount: MAX_ALIAS_COUNT})
  } catch (error) {
    // yaml says both as a ReferenceError: an alias whose anchor is missing (or comes after it), and the bomb.
    const unresolved = error instanceof ReferenceError ? /^Unresolved alias .*: (.+)$/.exec(error.message)?.[1] : undefined
    if (unresolved !== undefined) throw new UserError(`${where}: YAML alias *${unresolved} has no anchor &${unresolved} before it`)
    if (error instanceof ReferenceError) {
      throw new UserError(`${where}: YAML aliases expand too far (over ${MAX_ALIAS_COUNT} nodes through aliases): refused as an alias bomb`)
    }
    throw error
  }
  if (containsItself(json)) throw new UserError(`${where}: a YAML alias is used inside its own anchor (a circular alias)`)
  return json
}

// Depth-first with the usual colours: a value still on the path (grey) reached again is a cycle; a finished one
// (black) is skipped, so values shared through aliases are walked once.
function containsItself(root: unknown): boolean {
  const onPath = new Set<object>()
  const finished = new Set<object>()
  const walk = (value: unknown): boolean => {
    if (value === null || typeof value !== 'object') return false
    if (onPath.has(value)) return true
    if (finished.has(value)) return false
    onPath.add(value)
    const children = value instanceof Map ? [...value.keys(), ...value.values()] : Object.values(value)
    for (const child of children) if (walk(child)) return true
    onPath.delete(value)
    finished.add(value)
    return false
  }
  return walk(root)
}
