// Issue 15 must-show 3 (monitor part): a watch parses and validates the monitors file again only when it changed.
import {utimesSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {loadMonitorsOnce, type MonitorsCache} from '../../src/monitor/load-monitors.js'
import {tempDir} from '../throttle/helpers.js'

describe('loadMonitorsOnce', () => {
  it('returns the same config while path, mtime and size hold, and reads it again when one changes', async () => {
    const dir = tempDir('fastpay-tg-parse-once-')
    const path = join(dir, 'monitors.yml')
    const location = {path, display: 'monitors.yml', explicit: true}
    writeFileSync(path, 'checks:\n  - {name: a, type: tcp, host: db, port: 5432}\n')
    const cache: MonitorsCache = {}
    const first = await loadMonitorsOnce(location, cache)
    expect(await loadMonitorsOnce(location, cache)).toBe(first)

    writeFileSync(path, 'checks:\n  - {name: b, type: tcp, host: db, port: 5432}\n') // same size
    const later = new Date(Date.now() + 5000)
    utimesSync(path, later, later)
    const renamed = await loadMonitorsOnce(location, cache)
    expect(renamed).not.toBe(first)
    expect(renamed.checks.map((check) => check.name)).toEqual(['b'])

    writeFileSync(path, 'checks:\n  - {name: c, type: tcp, host: db, port: 5432}\n  - {name: d, type: tcp, host: db, port: 5433}\n')
    utimesSync(path, later, later) // same mtime, new size
    expect((await loadMonitorsOnce(location, cache)).checks.map((check) => check.name)).toEqual(['c', 'd'])
  })

  it('a file that stops loading is not remembered: each call reports it until it is fixed', async () => {
    const dir = tempDir('fastpay-tg-parse-once-')
    const path = join(dir, 'monitors.yml')
    const location = {path, display: 'monitors.yml', explicit: true}
    const cache: MonitorsCache = {}
    writeFileSync(path, 'checks: [\n')
    await expect(loadMonitorsOnce(location, cache)).rejects.toThrow(/YAML syntax error/)
    await expect(loadMonitorsOnce(location, cache)).rejects.toThrow(/YAML syntax error/)
    writeFileSync(path, 'checks: []\n')
    expect((await loadMonitorsOnce(location, cache)).checks).toEqual([])
  })
})
