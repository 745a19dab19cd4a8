// The commands as the built manifest describes them (what help, the completions and docs/commands.md are made of):
// every command answers --json, every flag says what it does, help texts are paragraphs the terminal wraps, the
// examples are all in one style, and docs/commands.md is what the manifest gives.
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {resolve} from 'node:path'
import {describe, expect, it} from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')

interface CachedCommand {
  id: string
  summary?: string
  description?: string
  usage?: string | string[]
  examples?: Array<string | {description: string; command: string}>
  flags: Record<string, {name: string; description?: string; summary?: string; hidden?: boolean}>
}

const manifest = JSON.parse(readFileSync(resolve(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, CachedCommand>}
const commands = Object.values(manifest.commands)
/** A line break inside a paragraph: help re-wraps paragraphs to the terminal, so one in the source comes out ragged. */
const HARD_WRAP = /[^\n]\n[^\n]/

describe('the command manifest', () => {
  it('lists every command', () => {
    expect(commands.map((command) => command.id)).toEqual(expect.arrayContaining(['send', 'help', 'version', 'completion', 'monitor:exec', 'webhook:serve']))
  })

  it('every command takes --json', () => {
    expect(commands.filter((command) => command.flags.json === undefined).map((command) => command.id)).toEqual([])
  })

  it('every flag of every command has a description', () => {
    const undescribed = commands.flatMap((command) =>
      Object.values(command.flags)
        .filter((flag) => !flag.hidden && (flag.summary ?? flag.description ?? '').trim() === '')
        .map((flag) => `${command.id} --${flag.name}`),
    )
    expect(undescribed).toEqual([])
  })

  it('summaries are one line, descriptions are paragraphs without hard wraps', () => {
    const ragged = commands.flatMap((command) => {
      const found: string[] = []
      if (!command.summary || command.summary.includes('\n')) found.push(`${command.id}: summary`)
      if (HARD_WRAP.test(command.description ?? '')) found.push(`${command.id}: description`)
      for (const flag of Object.values(command.flags)) if ((flag.description ?? '').includes('\n')) found.push(`${command.id} --${flag.name}`)
      return found
    })
    expect(ragged).toEqual([])
  })

  it('examples are command lines in one style: no $, the binary in each, no crontab lines or trailing comments', () => {
    const odd = commands.flatMap((command) =>
      (command.examples ?? [])
        .map((example) => (typeof example === 'string' ? example : example.command))
        .filter((line) => line.startsWith('$') || !line.includes('<%= config.bin %>') || /^[\d*]/.test(line) || /\s#\s/.test(line) || line.includes('\n'))
        .map((line) => `${command.id}: ${line}`),
    )
    expect(odd).toEqual([])
  })

  it('monitor exec shows -- CMD in its usage', () => {
    expect([manifest.commands['monitor:exec']?.usage].flat()).toEqual(['monitor exec --name <value> [FLAGS] -- CMD [ARGS...]'])
  })
})

describe('docs/commands.md', () => {
  it('is what scripts/gen-commands-doc.mjs makes of the manifest (npm run docs refreshes it)', () => {
    expect(() => execFileSync(process.execPath, ['scripts/gen-commands-doc.mjs', '--check'], {cwd: ROOT, stdio: 'pipe'})).not.toThrow()
  })

  it('is linked from the README', () => {
    expect(readFileSync(resolve(ROOT, 'README.md'), 'utf8')).toContain('](docs/commands.md)')
  })
})
