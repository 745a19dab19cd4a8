// The registry as operators have it: indented their own way, shared with a service's group, made read-only. Every
// edit (bots update, disable, add) goes through the built CLI; what the edit does not change must stay as it was.
import {describe, expect, it, vi} from 'vitest'

import {ALERTS_BOT, DEPLOY_BOT, HEALTH_BOT, ON_CALL, OPS_FORUM, readRegistry, STATUS_CHANNEL, useCliWorld, writeRegistry} from './fixture.js'

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
})
