// Renders every command's and topic's `--help` once, at build time, with the built CLI (oclif's own help, as a pipe
// gets it: 80 columns, no colour), into dist/chunks/help/<words joined by dots>.txt. bin/run.js prints these for a
// plain `<command> --help` whose output would be the same (stdout not a terminal, no OCLIF_COLUMNS, FORCE_COLOR or
// debug variables): oclif's config, help classes and an ejs compile per example cost such a start over twice node's.
// scripts/build.mjs runs it with stdout a pipe and an empty home, so that neither the terminal nor a theme shows.
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {resolve} from 'node:path'

const HELP_DIR = 'dist/chunks/help'
const {run, COMMANDS} = createRequire(import.meta.url)('../dist/cli.cjs')

// Every command and every topic above one (`bots`), as typed: words.
const ids = new Set()
for (const id of Object.keys(COMMANDS)) {
  const parts = id.split(':')
  for (let length = 1; length <= parts.length; length++) ids.add(parts.slice(0, length).join(':'))
}

rmSync(HELP_DIR, {recursive: true, force: true})
mkdirSync(HELP_DIR, {recursive: true})
const write = process.stdout.write
// Each run's flush waits for a 'drain' that a captured write never needs.
process.stdout.setMaxListeners(ids.size + 10)
const root = resolve(import.meta.dirname, '..')
for (const id of ids) {
  let text = ''
  process.stdout.write = (chunk, ...rest) => {
    text += String(chunk)
    rest.find((argument) => typeof argument === 'function')?.()
    return true
  }
  try {
    await run([...id.split(':'), '--help'], root)
  } finally {
    process.stdout.write = write
  }
  // Help that names the platform or Node (the root help's VERSION) differs between machines: left to oclif.
  if (text.includes(process.version)) continue
  writeFileSync(`${HELP_DIR}/${id.split(':').join('.')}.txt`, text)
}
