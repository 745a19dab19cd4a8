// Fails when the folders of src/ import each other in a cycle. Every import counts, type-only and dynamic ones
// included: a type-only cycle still means neither folder can be read, moved or tested without the other.
// A node is a top-level folder of src/ (src/monitor/checks/x.ts belongs to `monitor`); a file directly in src/ is a
// node of its own. Prints each cycle (strongly connected group of nodes) with the file imports that close it, and
// fails too when the graph docs/architecture.md shows is not today's.
//
//   node scripts/check-cycles.mjs            exit 1 when a cycle exists
//   node scripts/check-cycles.mjs --graph    also prints the folder graph (docs/architecture.md shows it)
//   node scripts/check-cycles.mjs --allow a,b,c  exit 0 while every cycle stays within these folders: a known knot
//                                               being untied may not grow, and no new cycle may form elsewhere
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import ts from 'typescript'

const root = resolve(import.meta.dirname, '..', 'src')
const argv = process.argv.slice(2)
const args = new Set(argv)
const allowIndex = argv.indexOf('--allow')
const allowed = new Set(allowIndex < 0 ? [] : (argv[allowIndex + 1] ?? '').split(',').filter(Boolean))

function sourceFiles(dir) {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.(?:ts|mts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

/** `alert` for src/alert/x.ts and src/alert/sub/y.ts; `bot-session.ts` for src/bot-session.ts. */
function nodeOf(file) {
  return relative(root, file).split('/')[0]
}

const files = sourceFiles(root)
const known = new Set(files)

/** The src file an import specifier points at, or undefined for packages and paths outside src/. */
function resolveImport(fromFile, specifier) {
  if (!specifier.startsWith('.')) return undefined
  const target = resolve(dirname(fromFile), specifier)
  if (relative(root, target).startsWith('..')) return undefined
  const bare = target.replace(/\.(?:js|mjs|ts|mts)$/, '')
  const candidates = [target, `${bare}.ts`, `${bare}.mts`, `${bare}.tsx`, join(target, 'index.ts')]
  const found = candidates.find((candidate) => known.has(candidate))
  if (found === undefined) throw new Error(`src/${relative(root, fromFile)}: cannot resolve ${specifier}`)
  return found
}
/** edges.get(from).get(to) = ["src/a/x.ts -> src/b/y.ts", ...] */
const edges = new Map()
for (const file of files) {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
  for (const {fileName} of info.importedFiles) {
    const target = resolveImport(file, fileName)
    if (target === undefined) continue
    const from = nodeOf(file)
    const to = nodeOf(target)
    if (from === to) continue
    if (!edges.has(from)) edges.set(from, new Map())
    const witnesses = edges.get(from).get(to) ?? []
    witnesses.push(`src/${relative(root, file)} -> ${fileName}`)
    edges.get(from).set(to, witnesses)
  }
}

const nodes = [...new Set(files.map(nodeOf))].sort()

// Tarjan's strongly connected components: every group of two or more nodes is a cycle.
const index = new Map()
const low = new Map()
const onStack = new Set()
const stack = []
const groups = []
let counter = 0
function connect(node) {
  index.set(node, counter)
  low.set(node, counter)
  counter++
  stack.push(node)
  onStack.add(node)
  for (const next of edges.get(node)?.keys() ?? []) {
    if (!index.has(next)) {
      connect(next)
      low.set(node, Math.min(low.get(node), low.get(next)))
    } else if (onStack.has(next)) {
      low.set(node, Math.min(low.get(node), index.get(next)))
    }
  }
  if (low.get(node) === index.get(node)) {
    const group = []
    let member
    do {
      member = stack.pop()
      onStack.delete(member)
      group.push(member)
    } while (member !== node)
    if (group.length > 1) groups.push(group.sort())
  }
}
for (const node of nodes) if (!index.has(node)) connect(node)

const graphLines = nodes.map((node) => {
  const targets = [...(edges.get(node)?.keys() ?? [])].sort()
  return `${node} -> ${targets.length ? targets.join(', ') : '(nothing in src)'}`
})
if (args.has('--graph')) {
  console.log('folder graph of src/ (from -> to):')
  for (const line of graphLines) console.log(`  ${line}`)
}

// docs/architecture.md shows the graph to the next engineer: a copy that no longer matches misleads them.
const DOC = resolve(import.meta.dirname, '..', 'docs', 'architecture.md')
const documented = /```\r?\nfolder graph of src\/ \(from -> to\):\r?\n([\s\S]*?)```/.exec(
  readFileSync(DOC, 'utf8'),
)?.[1]
const shown =
  documented === undefined
    ? undefined
    : documented
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean)
const paste = 'paste the output of `node scripts/check-cycles.mjs --graph`'
let docProblem
if (shown === undefined) {
  docProblem = `docs/architecture.md: no block starting "folder graph of src/ (from -> to):" in a plain fence: ${paste}`
} else if (shown.join('\n') !== graphLines.join('\n')) {
  const at = graphLines.findIndex((line, index) => shown[index] !== line)
  const first =
    at < 0
      ? `an extra line: ${shown[graphLines.length]}`
      : `"${shown[at] ?? '(nothing)'}" where src/ has "${graphLines[at]}"`
  docProblem = `docs/architecture.md: its folder graph is not src/'s (${first}): ${paste}`
}
/** The doc's problem, if any, is said last and fails the run, whatever the cycles. */
function exitSayingDoc(code) {
  if (docProblem !== undefined) console.log(docProblem)
  process.exit(docProblem === undefined ? code : 1)
}

if (groups.length === 0) {
  console.log(`no folder-level import cycles in src/ (${nodes.length} folders and root files, ${files.length} files)`)
  exitSayingDoc(0)
}

for (const group of groups) {
  console.log(`cycle between ${group.length} folders: ${group.join(', ')}`)
  const members = new Set(group)
  for (const from of group) {
    for (const [to, witnesses] of [...(edges.get(from) ?? [])].sort(([a], [b]) => a.localeCompare(b))) {
      if (!members.has(to)) continue
      const more = witnesses.length > 1 ? ` (+${witnesses.length - 1} more)` : ''
      console.log(`  ${from} -> ${to}: ${witnesses[0]}${more}`)
    }
  }
}
const beyond = groups.filter((group) => group.some((node) => !allowed.has(node)))
console.log(`${groups.length} folder-level import cycle(s) in src/`)
if (beyond.length === 0) {
  console.log(`allowed for now (--allow ${[...allowed].join(',')}): untie them, then shrink the list`)
  exitSayingDoc(0)
}
const outside = new Set(beyond.flat().filter((node) => !allowed.has(node)))
if (allowed.size > 0) console.log(`beyond --allow: ${[...outside].join(', ')}`)
exitSayingDoc(1)
