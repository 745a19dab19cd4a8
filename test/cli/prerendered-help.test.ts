// `<command> --help` into a pipe is printed from the help oclif rendered at build time (dist/chunks/help/, see
// scripts/render-help.mjs), without loading oclif: it must be what oclif prints for that line now. OCLIF_COLUMNS
// (the same 80 columns a pipe gets) makes bin/run.js leave the line to oclif, so both can be compared.
import {readdirSync, readFileSync} from 'node:fs'
import {resolve} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {createCliSandbox} from '../helpers/run-cli.js'

const ROOT = resolve(import.meta.dirname, '../..')

describe('help rendered at build time', () => {
  const cli = createCliSandbox()
  afterAll(() => cli.cleanup())

  it.each([[['send', '--help']], [['alert', '-h']], [['bots', '--help']], [['webhook', 'serve', '--help']]])('%j prints what oclif prints', async (line) => {
    const [served, rendered] = await Promise.all([cli.run(line), cli.run(line, {env: {OCLIF_COLUMNS: '80'}})])
    expect(rendered.exitCode).toBe(0)
    expect(served).toEqual(rendered)
    expect(served.stdout).toMatch(/^USAGE|\nUSAGE\n/)
  })

  it('is there for every command and topic, and not for the root help, which names the machine', () => {
    const manifest = JSON.parse(readFileSync(resolve(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, unknown>}
    const expected = new Set<string>()
    for (const id of Object.keys(manifest.commands)) {
      const parts = id.split(':')
      for (let length = 1; length <= parts.length; length++) expected.add(parts.slice(0, length).join('.'))
    }
    // `help --help` shows the root help, with the version line: oclif prints it each time.
    expected.delete('help')
    const files = readdirSync(resolve(ROOT, 'dist/chunks/help')).map((name) => name.replace(/\.txt$/, ''))
    expect(files.sort()).toEqual([...expected].sort())
  })

  it('`help send` (oclif) says the same as `send --help`; an unknown command is still oclif’s error', async () => {
    const [viaHelp, sendHelp, typo] = await Promise.all([cli.run(['help', 'send']), cli.run(['send', '--help']), cli.run(['sned', '--help'])])
    expect(viaHelp).toEqual(sendHelp)
    expect(typo.stderr).toContain('Command sned not found')
  })
})
