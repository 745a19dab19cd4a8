// A git ref of this repository, exported into a temporary folder and built there, for the before/after benches.
import {execFileSync} from 'node:child_process'
import {chmodSync, mkdtempSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

/**
 * Exports `ref` with git archive into a new folder that borrows this checkout's node_modules, builds it, and returns
 * the folder (remove it with `removeRefCheckout`). Readable by all, as a checkout is: a test runs the CLI as nobody.
 */
export function buildRefCheckout(ref, prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  chmodSync(dir, 0o755)
  try {
    execFileSync('git', ['archive', '--format=tar', '-o', join(dir, 'base.tar'), ref])
    execFileSync('tar', ['-x', '-C', dir, '-f', join(dir, 'base.tar')])
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules'))
    execFileSync(process.execPath, ['scripts/build.mjs'], {cwd: dir, stdio: ['ignore', 'ignore', 'inherit']})
  } catch (error) {
    removeRefCheckout(dir)
    throw error
  }
  return dir
}

export function removeRefCheckout(dir) {
  rmSync(dir, {recursive: true, force: true})
}
