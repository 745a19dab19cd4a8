import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {forgetLoadedRegistries} from '../../src/config/index.js'

/** Bot-API-shaped fake tokens: `redact` masks these shapes, so tests can check that too. */
export const TOKEN_A = '111111:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
export const TOKEN_B = '222222:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'
export const TOKEN_C = '333333:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC'
export const TOKEN_D = '444444:DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD'

const made: string[] = []

/**
 * After each test of every file (test/setup-file.ts): files share workers and this module, so a hook registered here
 * would run for the first file that imported it only.
 */
export async function forgetConfigTestState(): Promise<void> {
  forgetLoadedRegistries()
  await Promise.all(made.splice(0).map((dir) => rm(dir, {recursive: true, force: true})))
}

/** A fresh temporary directory, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fastpay-tg-config-'))
  made.push(dir)
  return dir
}

/** Writes `config.yml` (mode 0600 unless told) in a fresh directory and returns its path. */
export async function writeConfig(text: string, mode = 0o600): Promise<string> {
  const path = join(await tempDir(), 'config.yml')
  await writeFile(path, text, {mode})
  return path
}

/** An env with a HOME of its own, so nothing reads the real one. */
export async function isolatedEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return {HOME: await tempDir(), ...extra}
}
