import {readdirSync} from 'node:fs'
import {join, relative} from 'node:path'

/** Every file under `dir`, as paths relative to it; none when `dir` does not exist. */
export function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, {recursive: true, withFileTypes: true})
      .filter((entry) => entry.isFile())
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
  } catch {
    return []
  }
}
