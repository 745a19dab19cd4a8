// `--version` is answered by bin/run.js before the bundle loads (issue 15: start-up): it must say exactly what
// oclif says, and the commands behind it must still load the bundle.
import {execa} from 'execa'
import {readFileSync} from 'node:fs'
import {resolve} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {createCliSandbox} from '../helpers/run-cli.js'

const ROOT = resolve(import.meta.dirname, '../..')
const sandbox = createCliSandbox()
afterAll(() => sandbox.cleanup())

describe('fastpay-tg --version', () => {
  it("prints oclif's user agent line without loading the bundle", async () => {
    const {name, version} = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'))
    const fast = await sandbox.run(['--version'])
    expect(fast).toEqual({stdout: `${name}/${version} ${process.platform}-${process.arch} node-${process.version}`, stderr: '', exitCode: 0})

    // oclif's own answer, from the bundle, for the same package.
    const script = `require(${JSON.stringify(resolve(ROOT, 'dist/cli.cjs'))}).run(['--version'], ${JSON.stringify(ROOT)})`
    const oclif = await execa(process.execPath, ['-e', script], {env: sandbox.env, extendEnv: false})
    expect(oclif.stdout).toBe(fast.stdout)
  })

  it('leaves `--version` anywhere but first to oclif', async () => {
    const late = await sandbox.run(['send', '--version'])
    expect(late.exitCode).toBe(2)
    expect(late.stdout).not.toContain('fastpay-tg/')
  })
})
