// bin/run.js compiles the CLI bundle with the V8 code cache the build made (dist/cli.cjs.cache): V8 must take it, and
// a cache it rejects (another Node, other flags, a damaged file) must change nothing but the cost.
import {execa} from 'execa'
import {cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {createCliSandbox} from '../helpers/run-cli.js'

const ROOT = resolve(import.meta.dirname, '../..')
const sandbox = createCliSandbox()
const copy = mkdtempSync(join(tmpdir(), 'fastpay-tg-code-cache-'))
afterAll(() => {
  sandbox.cleanup()
  rmSync(copy, {recursive: true, force: true})
})

/** `cachedDataRejected` of the bundle as bin/run.js (of the package at `root`) compiles it. */
async function rejected(root: string, nodeOptions: string[] = []): Promise<string> {
  const probe = `process.stdout.write(String(require(${JSON.stringify(join(root, 'bin/run.js'))}).loadCli().script.cachedDataRejected))`
  return (await execa(process.execPath, [...nodeOptions, '-e', probe], {env: sandbox.env, extendEnv: false})).stdout
}

describe('the code cache of the CLI bundle', () => {
  it('is taken by this Node; with other V8 flags it is rejected', async () => {
    expect(await rejected(ROOT)).toBe('false')
    expect(await rejected(ROOT, ['--no-opt'])).toBe('true')
  })

  it('rejected, it changes nothing a user sees', async () => {
    // The package as built, with a cache that is not one.
    for (const path of ['package.json', 'oclif.manifest.json', 'bin']) cpSync(join(ROOT, path), join(copy, path), {recursive: true})
    mkdirSync(join(copy, 'dist'))
    cpSync(join(ROOT, 'dist/cli.cjs'), join(copy, 'dist/cli.cjs'))
    symlinkSync(join(ROOT, 'dist/chunks'), join(copy, 'dist/chunks'))
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'))
    writeFileSync(join(copy, 'dist/cli.cjs.cache'), 'not a code cache')
    expect(await rejected(copy)).toBe('true')

    const lines = [['config', 'show', '--token', '7012345678:AAHcodeCacheTestToken_0123456789abcdef'], ['bots', 'list'], ['sned'], ['config']]
    for (const line of lines) {
      const [built, damaged] = await Promise.all([run(ROOT, line), run(copy, line)])
      expect(damaged).toEqual(built)
    }
  })
})

async function run(root: string, args: string[]) {
  const {stdout, stderr, exitCode} = await execa(process.execPath, [join(root, 'bin/run.js'), ...args], {env: sandbox.env, extendEnv: false, reject: false})
  return {stdout, stderr, exitCode}
}
