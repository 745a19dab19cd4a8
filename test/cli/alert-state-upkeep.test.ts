// What `alert` and `alert flush` keep tidy between runs: a group upgraded to a supergroup is written back (the next
// alert goes straight to the new id), an unreadable outbox entry is set aside once (not warned about by every
// flush), and throttle keys whose window is over are removed.
import {mkdirSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {ALERTS_BOT, callsOf, LEGACY_GROUP, ON_CALL, readRegistry, REGISTRY_DISPLAY, UPGRADED_GROUP_ID, useCliWorld, writeRegistry} from './fixture.js'

const world = useCliWorld()
const registry = `bots:\n  - name: alerts\n    id: 1\n    token: ${ALERTS_BOT.token}\n    chat_ids: [${LEGACY_GROUP.id}, ${ON_CALL.id}]\n`
const attempts = () => callsOf(world.api, 'sendMessage').map((request) => ({status: request.status, chat: request.params.chat_id}))

describe('alert and a group upgraded to a supergroup', () => {
  it('the first alert pays the 400 and writes the new id to the registry; the second goes straight to it', async () => {
    writeRegistry(world.cli, registry)
    world.api.migrateChat(LEGACY_GROUP.id, UPGRADED_GROUP_ID)
    const first = await world.run(['alert', 'Disk full', '--no-host'])
    expect(first.exitCode).toBe(0)
    expect(first.stderr).toBe(`Warning: chat ${LEGACY_GROUP.id} was upgraded to a supergroup; now ${UPGRADED_GROUP_ID} (updated in ${REGISTRY_DISPLAY})`)
    expect(readRegistry(world.cli)).toBe(registry.replace(`[${LEGACY_GROUP.id},`, `[${UPGRADED_GROUP_ID},`))
    expect(attempts().filter((attempt) => attempt.chat !== ON_CALL.id)).toEqual([
      {status: 400, chat: LEGACY_GROUP.id},
      {status: 200, chat: UPGRADED_GROUP_ID},
    ])

    world.api.reset()
    const second = await world.run(['alert', 'CPU hot', '--no-host'])
    expect([second.exitCode, second.stderr]).toEqual([0, ''])
    expect(attempts()).toEqual([
      {status: 200, chat: UPGRADED_GROUP_ID},
      {status: 200, chat: ON_CALL.id},
    ])
  })
})

describe('alert flush upkeep', () => {
  it('an unreadable entry is moved to outbox/corrupt/ with one warning, and the next flush says nothing of it', async () => {
    writeRegistry(world.cli, registry)
    const outbox = join(world.cli.stateDir, 'outbox')
    mkdirSync(outbox, {recursive: true})
    writeFileSync(join(outbox, '000000000000001-1-deadbeef.json'), '{"version": 1, ')
    const first = await world.run(['flush'])
    const aside = join(outbox, 'corrupt', '000000000000001-1-deadbeef.json')
    expect(first).toEqual({
      stdout: 'outbox empty',
      stderr: `Warning: outbox entry ${join(outbox, '000000000000001-1-deadbeef.json')} was unreadable; set aside as ${aside}`,
      exitCode: 0,
    })
    expect(readdirSync(join(outbox, 'corrupt'))).toEqual(['000000000000001-1-deadbeef.json'])
    expect(await world.run(['alert', 'flush'])).toEqual({stdout: 'outbox empty', stderr: '', exitCode: 0})
    expect(await world.run(['alert', 'outbox'])).toEqual({stdout: 'outbox empty', stderr: '', exitCode: 0})
  })

  it('throttle keys whose window is over are removed; one still in its window stays', async () => {
    writeRegistry(world.cli, registry)
    expect((await world.run(['alert', 'Short', '--no-host', '--throttle-seconds', '1'])).exitCode).toBe(0)
    expect((await world.run(['alert', 'Long', '--no-host', '--throttle-seconds', '3600'])).exitCode).toBe(0)
    const keys = () => readdirSync(join(world.cli.stateDir, 'throttle')).filter((name) => name.endsWith('.json'))
    expect(keys()).toHaveLength(2)
    // The window of a second is over by the time this flush runs: a CLI run takes longer than that.
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    expect(await world.run(['flush'])).toEqual({stdout: 'outbox empty', stderr: '', exitCode: 0})
    expect(keys()).toHaveLength(1)
  })
})
