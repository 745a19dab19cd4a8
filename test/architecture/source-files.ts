// The repository's TypeScript sources as the architecture tests read them: path from the repository root, and text.
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')

export interface SourceFile {
  path: string
  text: string
}

/** Every .ts file under `dir` (relative to the repository root), at any depth. */
export function sourceFiles(dir: string): SourceFile[] {
  return readdirSync(join(ROOT, dir), {recursive: true, encoding: 'utf8'})
    .filter((name) => name.endsWith('.ts'))
    .map((name) => ({path: relative(ROOT, join(ROOT, dir, name)), text: readFileSync(join(ROOT, dir, name), 'utf8')}))
}
