/**
 * `yaml` keeps comments and key order but not every byte: two spaces before a comment become one, `[ 1, 2 ]` loses
 * its padding, a blank line may appear before a trailing comment. So an edit is written as a patch on the user's own
 * text, as a three-way merge does it: the lines that differ between the document printed before the edit
 * (`printedBefore`) and after it (`printedAfter`) are replaced in `original`, and every other line of `original` is
 * kept as it was. A line the edit adds or changes takes the user's indentation (four spaces, `-   name:`), learnt
 * from the lines both texts share: at the printer's two spaces it would not belong to the user's blocks. The caller
 * checks that the result reads as `printedAfter` does, and writes `printedAfter` if not.
 */
export function keepUntouchedLines(original: string, printedBefore: string, printedAfter: string): string {
  const source = original.split('\n')
  const before = printedBefore.split('\n')
  const after = printedAfter.split('\n')
  if (source.length * before.length > MAX_CELLS || before.length * after.length > MAX_CELLS) return printedAfter
  // Which line of the user's text each printed line is, compared as yaml would print them.
  const sourceOf = new Array<number>(before.length).fill(-1)
  for (const step of lineDiff(before.map(uncommented), source.map(uncommented))) if (step.kind === 'same') sourceOf[step.beforeIndex] = step.afterIndex
  const userColumn = columnMap(sourceOf.flatMap((sourceIndex, beforeIndex) => (sourceIndex >= 0 ? [[before[beforeIndex]!, source[sourceIndex]!] as const] : [])))
  const kept: string[] = []
  let next = 0
  // Emits the user's lines up to `index` (those the printer dropped or moved stay where they were), then `index`.
  const keepThrough = (index: number, keepIt: boolean) => {
    kept.push(...source.slice(next, index))
    if (keepIt) kept.push(source[index]!)
    next = index + 1
  }
  for (const step of lineDiff(before, after)) {
    if (step.kind === 'added') kept.push(reindent(after[step.afterIndex]!, userColumn))
    else if (sourceOf[step.beforeIndex]! >= 0) keepThrough(sourceOf[step.beforeIndex]!, step.kind === 'same')
  }
  kept.push(...source.slice(next))
  return kept.join('\n')
}

/** Where a line's blocks start: its indentation, then after each `- ` item marker (`  - name:` → 2, 4). */
function blockColumns(line: string): number[] {
  const columns: number[] = []
  let at = line.search(/\S/)
  if (at < 0) return columns
  columns.push(at)
  while (line[at] === '-' && line[at + 1] === ' ') {
    at = line.slice(at + 1).search(/\S/) + at + 1
    if (at <= columns.at(-1)!) break
    columns.push(at)
  }
  return columns
}

/** The printer's column → the user's, from line pairs that are the same line in both texts. */
function columnMap(pairs: ReadonlyArray<readonly [printed: string, user: string]>): Map<number, number> {
  const map = new Map<number, number>()
  for (const [printed, user] of pairs) {
    const from = blockColumns(printed)
    const to = blockColumns(user)
    if (from.length !== to.length) continue
    from.forEach((column, index) => {
      if (!map.has(column)) map.set(column, to[index]!)
    })
  }
  return map
}

/** A printed line moved to the user's columns; one deeper than any known column keeps its depth below the deepest. */
function reindent(line: string, userColumn: ReadonlyMap<number, number>): string {
  const columns = blockColumns(line)
  if (columns.length === 0 || userColumn.size === 0) return line
  const moved = columns.map((column) => {
    const known = [...userColumn.keys()].filter((key) => key <= column).sort((a, b) => b - a)[0]
    return known === undefined ? column : userColumn.get(known)! + column - known
  })
  // Each item marker needs a space after it; a map that cannot give one leaves the line as printed.
  if (moved.some((column, index) => index > 0 && column - moved[index - 1]! < 2)) return line
  const markers = moved.slice(1).map((column, index) => `-${' '.repeat(column - moved[index]! - 1)}`)
  return `${' '.repeat(moved[0]!)}${markers.join('')}${line.slice(columns.at(-1))}`
}

// A registry of a few hundred bots is well under this; beyond it the quadratic table is not worth its memory.
const MAX_CELLS = 4_000_000

/** A line as the printer may have reformatted it: runs of blanks as one, none inside brackets, none at the end. */
function loose(line: string): string {
  return line
    .replace(/\s+/g, ' ')
    .replace(/([[{]) /g, '$1')
    .replace(/ ([\]}])/g, '$1')
    .trimEnd()
}

/**
 * A line as `loose`, less a comment after its content: the printer moves a comment on its own line under `bots:` (an
 * empty list) up to the end of `bots:`, and that line must still be found as the user's `bots:`. The comment's own
 * line is then kept where the user had it. A line that is only a comment is compared whole.
 */
function uncommented(line: string): string {
  const bare = loose(line)
  return /^ ?#/.test(bare) ? bare : bare.replace(/ #.*$/, '')
}

type Step = {kind: 'same'; beforeIndex: number; afterIndex: number} | {kind: 'added'; afterIndex: number} | {kind: 'removed'; beforeIndex: number}

/** A longest-common-subsequence diff of two line lists, in order. */
function lineDiff(before: readonly string[], after: readonly string[]): Step[] {
  const columns = after.length + 1
  // common[i * columns + j]: the LCS length of before[i..] and after[j..].
  const common = new Uint32Array((before.length + 1) * columns)
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      common[i * columns + j] =
        before[i] === after[j] ? common[(i + 1) * columns + j + 1]! + 1 : Math.max(common[(i + 1) * columns + j]!, common[i * columns + j + 1]!)
    }
  }
  const steps: Step[] = []
  let i = 0
  let j = 0
  while (i < before.length || j < after.length) {
    if (i < before.length && j < after.length && before[i] === after[j]) {
      steps.push({kind: 'same', beforeIndex: i++, afterIndex: j++})
    } else if (j < after.length && (i === before.length || common[i * columns + j + 1]! >= common[(i + 1) * columns + j]!)) {
      steps.push({kind: 'added', afterIndex: j++})
    } else {
      steps.push({kind: 'removed', beforeIndex: i++})
    }
  }
  return steps
}
