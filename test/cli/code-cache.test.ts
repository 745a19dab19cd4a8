// bin/run.js compiles the CLI bundle and the alert fast path with the V8 code caches the build made (dist/cli.cjs.cache,
// dist/chunks/alert-fast.cjs.cache): V8 must take them, and a cache it rejects (another Node, other flags, a damaged
// file) must change nothing but the cost.
import {execa} from 'execa'
import {cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
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

/** `cachedDataRejected` of the CLI bundle and of the alert fast path, as bin/run.js (of the package at `root`) compiles them. */
async function rejected(root: string, nodeOptions: string[] = []): Promise<string> {
  const bin = JSON.stringify(join(root, 'bin/run.js'))
  const probe = `const b = require(${bin}); process.stdout.write(String([b.loadCli(), b.loadAlertFast()].map(({script}) => script.cachedDataRejected)))`
  return (await execa(process.execPath, [...nodeOptions, '-e', probe], {env: sandbox.env, extendEnv: false})).stdout
}

describe('the code caches of the bundles', () => {
  it('are taken by this Node; with other V8 flags they are rejected', async () => {
    expect(await rejected(ROOT)).toBe('false,false')
    expect(await rejected(ROOT, ['--no-opt'])).toBe('true,true')
  })

  it('rejected, they change nothing a user sees', async () => {
    // The package as built, with caches that are not ones.
    for (const path of ['package.json', 'oclif.manifest.json', 'bin', 'dist/cli.cjs', 'dist/chunks']) cpSync(join(ROOT, path), join(copy, path), {recursive: true})
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'))
    for (const cache of ['dist/cli.cjs.cache', 'dist/chunks/alert-fast.cjs.cache']) writeFileSync(join(copy, cache), 'not a code cache')
    expect(await rejected(copy)).toBe('true,true')

    const token = '7012345678:AAHcodeCacheTestToken_0123456789abcdef'
    const lines = [['config', 'show', '--token', token], ['bots', 'list'], ['sned'], ['config'], ['alert', 'code cache', '--token', token, '--chat', '42', '--dry-run', '--no-host']]
    for (const line of lines) {
      const [built, damaged] = await Promise.all([run(ROOT, line), run(copy, line)])
      expect(damaged).toEqual(built)
    }
  })
})

/** A run's output, its timestamps (an alert's) made alike. */
async function run(root: string, args: string[]) {
  const {stdout, stderr, exitCode} = await execa(process.execPath, [join(root, 'bin/run.js'), ...args], {env: sandbox.env, extendEnv: false, reject: false})
  const timeless = (text: string) => text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'TIME')
  return {stdout: timeless(stdout), stderr: timeless(stderr), exitCode}
}
