// The bots registry is written in one place: editRegistry (src/config/edit-registry.ts) takes its lock, re-reads it,
// edits the YAML document, validates and writes only the changed lines. bots add/remove/update/enable/disable, chat
// upgrades written back and the move of old link sections all go through it; a second copy of that skeleton (as the
// webhook's link sections once had, with its own validator) would drift from it.
import {describe, expect, it} from 'vitest'

import {type SourceFile, sourceFiles} from './source-files.js'

const SKELETON = 'src/config/edit-registry.ts'

/** Files other than the skeleton that read the registry's text and also write a file or take the file lock. */
function otherWriters(files: SourceFile[]): string[] {
  const readsRegistry = /\breadRegistryText\(/
  const writes = /\b(writeFileAtomic|writeFile|withFileLock)\(/
  return files.filter((file) => file.path !== SKELETON && readsRegistry.test(file.text) && writes.test(file.text)).map((file) => file.path)
}

describe('registry writers', () => {
  it('only editRegistry reads the registry file and writes it', () => {
    const files = ['src', 'commands', 'action'].flatMap(sourceFiles)
    expect(files.some((file) => file.path === SKELETON)).toBe(true)
    expect(otherWriters(files)).toEqual([])
  })

  it('a planted copy of the skeleton is found', () => {
    const planted = {path: 'src/webhook/sections.ts', text: 'const current = await readRegistryText(location)\nawait writeFileAtomic(target, text)\n'}
    expect(otherWriters([...['src'].flatMap(sourceFiles), planted])).toEqual(['src/webhook/sections.ts'])
  })
})
