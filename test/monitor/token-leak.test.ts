import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {monitorsFrom, useMonitorWorld} from './helpers.js'

const world = useMonitorWorld()
const LEAKED = '6098765432:AAGm4Tq8Wz1Xc5Vb9Nr3Ke7Lp2Hs6Dj0Fy8'

describe('a token printed by a failing check', () => {
  it('is masked in the alert, the state file and the history', async () => {
    const {config} = await monitorsFrom(`checks:\n  - {name: deploy-hook, type: command, run: "echo 'calling https://api.telegram.org/bot${LEAKED}/getMe'; exit 4", failure-threshold: 1}\n`)
    const report = await world.pass(config.checks)
    expect(report.alerts.map((alert) => alert.status)).toEqual(['sent'])
    const files = [join(world.stateDir, 'monitor', 'state.json'), ...readdirSync(join(world.stateDir, 'monitor', 'history')).map((name) => join(world.stateDir, 'monitor', 'history', name))]
    const stored = files.map((file) => readFileSync(file, 'utf8')).join('\n')
    const sent = world.texts().join('\n')
    for (const text of [stored, sent, JSON.stringify(report)]) {
      expect(text).not.toContain(LEAKED)
      expect(text).toContain('6098765432:AA…y8')
    }
  })
})
