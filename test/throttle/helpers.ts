import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const created: string[] = []

/** After each test file (test/setup-file.ts): the temporary dirs it made go when its tests are done. */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, {recursive: true, force: true})
}

export function tempDir(prefix = 'fastpay-tg-throttle-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  created.push(dir)
  return dir
}

/** The pid of a process that has exited (and been reaped): nothing runs under it now. `true`, not a Node start. */
export async function deadPid(): Promise<number> {
  const child = spawn('true')
  await new Promise((resolve) => child.on('exit', resolve))
  return child.pid!
}
