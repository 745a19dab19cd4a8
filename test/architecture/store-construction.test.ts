// Only openStore (src/store/select-store.ts) constructs store backends: a door or feature that built its own (as
// digest once did, and read an empty file history while monitor run wrote to Redis) would bypass the configured
// store. A backend is any class that implements one of the store's interfaces, found by reading src/, so that a new
// backend is covered without editing this test; RedisLink (the connection) and LinkStore (links over the key-value
// part) count too.
import {describe, expect, it} from 'vitest'

import {type SourceFile, sourceFiles} from './source-files.js'

const OPENER = 'src/store/select-store.ts'
const STORE_INTERFACES = ['ThrottleStore', 'OutboxStore', 'LockStore', 'KeyValueStore', 'HistoryStore', 'MonitorStore']
const ALSO_BACKENDS = ['RedisLink', 'LinkStore']

/** Class name → the file that declares it, for every class implementing a store interface. */
function backendClasses(files: SourceFile[]): Map<string, string> {
  const classes = new Map<string, string>()
  const declaration = /\bclass\s+(\w+)(?:<[^>]*>)?(?:\s+extends\s+[\w.<>]+)?\s+implements\s+([^{]+)\{/g
  for (const file of files) {
    for (const [, name, implemented] of file.text.matchAll(declaration)) {
      const interfaces = implemented!.split(',').map((each) => each.trim().replace(/<.*$/, ''))
      if (interfaces.some((each) => STORE_INTERFACES.includes(each))) classes.set(name!, file.path)
    }
    for (const name of ALSO_BACKENDS) if (new RegExp(`\\bclass\\s+${name}\\b`).test(file.text)) classes.set(name, file.path)
  }
  return classes
}

/** `file:line: new X(` for each construction (`new X(` or `X.create(`) outside the opener and X's own file. */
function constructionsOutsideOpener(files: SourceFile[], classes: Map<string, string>): string[] {
  const names = [...classes.keys()].join('|')
  const construction = new RegExp(`\\bnew\\s+(${names})\\s*[(<]|\\b(${names})\\.create\\s*\\(`, 'g')
  const found: string[] = []
  for (const file of files) {
    if (file.path === OPENER) continue
    for (const match of file.text.matchAll(construction)) {
      const name = match[1] ?? match[2]!
      if (classes.get(name) === file.path) continue
      const line = file.text.slice(0, match.index).split('\n').length
      found.push(`${file.path}:${line}: ${match[0]}`)
    }
  }
  return found
}

describe('store backends are constructed by openStore alone', () => {
  const files = ['src', 'commands', 'action'].flatMap(sourceFiles)
  const classes = backendClasses(files)

  it('finds the backends by what they implement', () => {
    for (const name of ['FileThrottle', 'FileOutbox', 'FileKeyValue', 'RedisOutbox', 'FallbackOutbox', 'SharedMonitorStore', 'RedisLink', 'LinkStore']) {
      expect(classes.has(name), name).toBe(true)
    }
    expect(classes.get('FileOutbox')).toBe('src/store/file/file-outbox.ts')
  })

  it('no file of src/, commands/ or action/ but src/store/select-store.ts constructs one', () => {
    expect(constructionsOutsideOpener(files, classes)).toEqual([])
  })

  it('reports a construction elsewhere, by file and line', () => {
    const planted = {path: 'src/digest/run-digest.ts', text: "import x from 'y'\nconst history = new FileHistory({dir})\nRedisLink.create(o)\n"}
    expect(constructionsOutsideOpener([planted], classes)).toEqual([
      'src/digest/run-digest.ts:2: new FileHistory(',
      'src/digest/run-digest.ts:3: RedisLink.create(',
    ])
  })
})
