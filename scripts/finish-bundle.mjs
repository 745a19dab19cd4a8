// What esbuild leaves for scripts/build.mjs to do to the bundles bin/run.js loads (dist/cli.cjs, the two fast paths)
// before their code caches are made.
import {createHash} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import ts from 'typescript'

/**
 * What `import.meta.url` becomes in the bundle (src/monitor/load-monitors.ts names the build that parsed a monitors
 * file with it): replaced by a hash of the bundle, so that another build parses again.
 */
export const PARSER_BUILD_PLACEHOLDER = 'dist/cli.cjs#0000000000000000'

// The name the bundle calls `import()` by. bin/run.js passes it in (an `import()` written in a script compiled
// through node:vm needs an experimental flag on Node 20); a plain `require` of the bundle gets Node's own.
const IMPORT = '__fastpayImport'
const IMPORT_FALLBACK = `var ${IMPORT} = typeof ${IMPORT} == 'function' ? ${IMPORT} : (specifier) => import(specifier);\n`

/**
 * Makes the bundle strict, routes its `import()` calls through `__fastpayImport`, makes it ASCII and, with
 * `namesBuild`, replaces PARSER_BUILD_PLACEHOLDER by a hash of the bundle; rewrites `path` in place. A lazy file
 * (`lazy`: a library bundled on its own, loaded as a bundle is) keeps its own strictness and is left as it is when it
 * has no `import()` and no character beyond ASCII.
 */
export function finishBundle(path, {namesBuild = false, lazy = false} = {}) {
  const built = readFileSync(path, 'utf8')
  let text = NON_ASCII.test(built) ? asciiRegExps(built, path, {strict: !lazy}) : built
  const calls = text.includes('import(') ? importCalls(text) : []
  if (lazy && calls.length === 0) return text === built ? undefined : writeFileSync(path, text)
  // From the end, so that earlier offsets stay right.
  for (const {start, end} of calls.reverse()) text = `${text.slice(0, start)}${IMPORT}${text.slice(end)}`
  if (lazy) {
    // After its "use strict", which must stay first to be a directive.
    const directive = /^"use strict";/.exec(text)?.[0] ?? ''
    text = `${directive}${IMPORT_FALLBACK}${text.slice(directive.length)}`
  } else {
    // Strict, as the ES modules it was built from: esbuild's "use strict" comes after the banner, where it is no
    // directive.
    text = `'use strict';\n${IMPORT_FALLBACK}${text}`
  }
  if (!namesBuild) return writeFileSync(path, text)
  if (text.split(PARSER_BUILD_PLACEHOLDER).length !== 2) throw new Error(`${path}: expected the build name placeholder once`)
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16)
  writeFileSync(path, text.replace(PARSER_BUILD_PLACEHOLDER, PARSER_BUILD_PLACEHOLDER.replace(/0+$/, hash)))
}

const NON_ASCII = /[^\0-\x7f]/

/** `text` with each UTF-16 unit beyond ASCII written as `\uXXXX` (the same in a JSON string or a regular expression). */
export const escapeBeyondAscii = (text) => text.replace(/[^\0-\x7f]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)

/**
 * `text` with every character beyond ASCII in its regular expression literals written as `\uXXXX` (one per UTF-16
 * unit: the same pattern with or without the u flag); with `strict`, throws when one is left elsewhere. bin/run.js
 * reads an ASCII file as latin1, which costs next to nothing, where decoding UTF-8 cost a start of the CLI about 15 M
 * instructions (and made its source a two-byte string); a file left with such characters (a lazy one) is decoded as
 * UTF-8. esbuild escapes such characters in strings and plain templates, but leaves them in regular expressions and
 * tagged templates (whose raw text the tag may read): give a tagged template its symbols as `${...}` values of string
 * literals.
 */
function asciiRegExps(text, path, {strict}) {
  const source = ts.createSourceFile('bundle.cjs', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS)
  const literals = []
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral && NON_ASCII.test(node.getText(source))) literals.push({start: node.getStart(source), end: node.end})
    ts.forEachChild(node, visit)
  }
  visit(source)
  for (const {start, end} of literals.reverse()) {
    const literal = text.slice(start, end)
    // `\·` would become `\\u00b7`, another pattern: not expected in a bundle, so not handled.
    if (/\\[^\0-\x7f]/.test(literal)) throw new Error(`${path}: an escaped character beyond ASCII in ${literal}`)
    const escaped = escapeBeyondAscii(literal)
    text = `${text.slice(0, start)}${escaped}${text.slice(end)}`
  }
  const left = text.search(NON_ASCII)
  if (strict && left !== -1) throw new Error(`${path}: a character beyond ASCII outside strings and regular expressions: ${JSON.stringify(text.slice(left - 60, left + 20))}`)
  return text
}

/** Where the `import` keyword of each `import(…)` call is (parsed: the word in a string or a name is not one). */
function importCalls(text) {
  const source = ts.createSourceFile('bundle.cjs', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS)
  const calls = []
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      calls.push({start: node.expression.getStart(source), end: node.expression.end})
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return calls
}
