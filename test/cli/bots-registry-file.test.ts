// The registry as operators have it: indented their own way, shared with a service's group, made read-only. Every
// edit (bots update, disable, add) goes through the built CLI; what the edit does not change must stay as it was.
import {spawnSync} from 'node:child_process'
import {chmodSync, chownSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it, vi} from 'vitest'

import {
  ALERTS_BOT,
  callsOf,
  DEPLOY_BOT,
  expectUsageError,
  HEALTH_BOT,
  LEGACY_GROUP,
  ON_CALL,
  OPS_FORUM,
  REGISTRY_DISPLAY,
  readRegistry,
  STATUS_CHANNEL,
  UPGRADED_GROUP_ID,
  useCliWorld,
  writeRegistry,
} from './fixture.js'

// Each test spawns several CLI processes; on a loaded machine they need more than the default 30 s (not a timing assertion).
vi.setConfig({testTimeout: 120_000})

const world = useCliWorld()

/** Four-space indentation and `-   ` items, as an editor or a Django fixture export leaves them. */
const FOUR_SPACES = `# migrated from the Django admin
bots:
    # the pager bot
    -   name: alerts      # prod
        token: "${ALERTS_BOT.token}"
        chat_ids: "${OPS_FORUM.id}, ${ON_CALL.id}"   # ops + ana
        message_thread_id: 7

        active: true
    -   name: deploy
        token: ${DEPLOY_BOT.token}
        chat_ids: '${ON_CALL.id}'
        active: false
`

describe('a registry indented its own way', () => {
  it('bots update, disable and add change their lines only, at the file’s own indentation', async () => {
    writeRegistry(world.cli, FOUR_SPACES)
    const updated = await world.run(['bots', 'update', 'alerts', '--remove-chat', String(ON_CALL.id)])
    expect(updated).toEqual({stdout: `updated bot alerts: removed chat ${ON_CALL.id}`, stderr: '', exitCode: 0})
    const afterUpdate = FOUR_SPACES.replace(`chat_ids: "${OPS_FORUM.id}, ${ON_CALL.id}"   # ops + ana`, `chat_ids: [${OPS_FORUM.id}] # ops + ana`)
    expect(readRegistry(world.cli)).toBe(afterUpdate)

    const disabled = await world.run(['bots', 'disable', 'alerts'])
    expect(disabled).toEqual({stdout: 'bot alerts is now disabled', stderr: '', exitCode: 0})
    const afterDisable = afterUpdate.replace('        active: true\n', '        active: false\n')
    expect(readRegistry(world.cli)).toBe(afterDisable)

    const added = await world.run(['bots', 'add', 'health', '--token', HEALTH_BOT.token, '--chat', String(STATUS_CHANNEL.id), '--no-validate', '--no-keychain'])
    expect(added.exitCode, added.stderr).toBe(0)
    expect(added.stderr).toBe('')
    expect(readRegistry(world.cli)).toBe(
      `${afterDisable}    -   name: health\n        id: 1\n        token: ${HEALTH_BOT.token}\n        chat_ids: [${STATUS_CHANNEL.id}]\n        active: true\n`,
    )
  })

  it('the first bots add keeps a comment on its own line under an empty bots:, and one above bots: []', async () => {
    const entry = `  - name: health\n    id: 1\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${STATUS_CHANNEL.id}]\n    active: true\n`
    const addHealth = ['bots', 'add', 'health', '--token', HEALTH_BOT.token, '--chat', String(STATUS_CHANNEL.id), '--no-validate', '--no-keychain']
    writeRegistry(world.cli, 'bots:\n# none yet: add with fastpay-tg bots add\n')
    const added = await world.run(addHealth)
    expect(added.exitCode, added.stderr).toBe(0)
    expect(readRegistry(world.cli)).toBe(`bots:\n${entry}# none yet: add with fastpay-tg bots add\n`)

    writeRegistry(world.cli, '# none yet: add with fastpay-tg bots add\nbots: []\n')
    expect((await world.run(addHealth)).exitCode).toBe(0)
    expect(readRegistry(world.cli)).toBe(`# none yet: add with fastpay-tg bots add\nbots:\n${entry}`)
  })

  it('the first bots add keeps a comment after an empty bots: or bots: [] on its line', async () => {
    const entry = `  - name: health\n    id: 1\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${STATUS_CHANNEL.id}]\n    active: true\n`
    const addHealth = ['bots', 'add', 'health', '--token', HEALTH_BOT.token, '--chat', String(STATUS_CHANNEL.id), '--no-validate', '--no-keychain']
    for (const empty of ['bots:', 'bots: []']) {
      writeRegistry(world.cli, `${empty} # none yet\n`)
      expect((await world.run(addHealth)).exitCode).toBe(0)
      expect(readRegistry(world.cli)).toBe(`bots: # none yet\n${entry}`)
    }
  })
})

/** Tokens from the environment: a registry others may read draws no warning. */
const FROM_ENV = `bots:\n  - name: alerts\n    id: 1\n    token: \${ALERTS_TOKEN}\n    chat_ids: [${LEGACY_GROUP.id}, ${ON_CALL.id}]\n`
const env = {ALERTS_TOKEN: ALERTS_BOT.token}
const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8)

describe('the registry file’s mode', () => {
  it('an edit keeps it and the owner: a registry the service’s group reads (0640) stays 0640, the service’s', async () => {
    writeRegistry(world.cli, FROM_ENV)
    chmodSync(world.cli.configPath, 0o640)
    // As root (CI), the file belongs to another user, as a service account's registry edited with sudo does.
    const owner = process.getuid?.() === 0 ? {uid: 4321, gid: 4321} : {uid: statSync(world.cli.configPath).uid, gid: statSync(world.cli.configPath).gid}
    chownSync(world.cli.configPath, owner.uid, owner.gid)
    const updated = await world.run(['bots', 'update', 'alerts', '--thread', '7'], {env})
    expect(updated).toEqual({stdout: 'updated bot alerts: thread 7', stderr: '', exitCode: 0})
    expect(readRegistry(world.cli)).toBe(`${FROM_ENV}    message_thread_id: 7\n`)
    expect(modeOf(world.cli.configPath)).toBe('640')
    expect({uid: statSync(world.cli.configPath).uid, gid: statSync(world.cli.configPath).gid}).toEqual(owner)
  })

  // Needs root to make the file another user's and run the edit as one who may not give it back (CI runs as root).
  it.runIf(process.getuid?.() === 0)('an edit by one who may not give the file back: its group bits are not handed to the editor’s group', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fastpay-tg-shared-'))
    chmodSync(dir, 0o777)
    const path = join(dir, 'bots.yml')
    writeFileSync(path, FROM_ENV)
    const [daemonGroup, nobody] = [1, 65_534]
    chownSync(path, 0, daemonGroup)
    chmodSync(path, 0o666)
    const home = {HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), XDG_CACHE_HOME: join(dir, 'cache')}
    const edit = spawnSync(process.execPath, ['bin/run.js', 'bots', 'disable', 'alerts', '--config', path], {
      uid: nobody,
      gid: nobody,
      env: {PATH: process.env.PATH, ...home, ...env},
      encoding: 'utf8',
    })
    const after = statSync(path)
    rmSync(dir, {recursive: true, force: true})
    expect([edit.status, edit.stderr]).toEqual([0, ''])
    // Not the daemon group's any more: nogroup must not get the read and write bits daemon had.
    expect({gid: after.gid, groupBits: after.mode & 0o070}).toEqual({gid: nobody, groupBits: 0})
  })

  it('a read-only registry (0400) is not rewritten: one line naming the file, exit 2, for every bots edit', async () => {
    writeRegistry(world.cli, FROM_ENV)
    chmodSync(world.cli.configPath, 0o400)
    const line = `Error: ${REGISTRY_DISPLAY}: cannot write (read-only, mode 0400)`
    const runs = await Promise.all([
      world.run(['bots', 'update', 'alerts', '--thread', '7'], {env}),
      world.run(['bots', 'disable', 'alerts'], {env}),
      world.run(['bots', 'remove', 'alerts', '--yes'], {env}),
      world.run(['bots', 'add', 'health', '--token', HEALTH_BOT.token, '--chat', String(ON_CALL.id), '--no-validate', '--no-keychain'], {env}),
    ])
    for (const run of runs) expectUsageError(run, line)
    expect(readRegistry(world.cli)).toBe(FROM_ENV)
    expect(modeOf(world.cli.configPath)).toBe('400')
  })

  it('a group upgraded to a supergroup, registry read-only: the message is delivered, exit 0, one warning to update it by hand', async () => {
    writeRegistry(world.cli, FROM_ENV)
    chmodSync(world.cli.configPath, 0o400)
    world.api.migrateChat(LEGACY_GROUP.id, UPGRADED_GROUP_ID)
    const sent = await world.run(['send', 'deploy done'], {env})
    expect(sent.exitCode, sent.stderr).toBe(0)
    expect(sent.stderr).toBe(
      `Warning: chat ${LEGACY_GROUP.id} was upgraded to a supergroup; now ${UPGRADED_GROUP_ID}: ${REGISTRY_DISPLAY}: cannot write (read-only, mode 0400): use the new id from now on`,
    )
    expect(callsOf(world.api, 'sendMessage').filter((request) => request.status === 200).map((request) => request.params.chat_id).sort()).toEqual([UPGRADED_GROUP_ID, ON_CALL.id].sort())
    expect(readRegistry(world.cli)).toBe(FROM_ENV)
  })
})
