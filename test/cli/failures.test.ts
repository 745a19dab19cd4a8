// What `send` does when Telegram pushes back: waits out 429, retries 5xx and timeouts, stops at once on 403 and
// 400, follows a group's upgrade to a supergroup and writes the new id into the registry.
import {describe, expect, it} from 'vitest'

import {
  ALERTS_BOT,
  callsOf,
  closedApiRoot,
  LEGACY_GROUP,
  ON_CALL,
  readRegistry,
  REGISTRY_DISPLAY,
  UPGRADED_GROUP_ID,
  useCliWorld,
  writeRegistry,
} from './fixture.js'

const world = useCliWorld()
const toOnCall = ['--token', ALERTS_BOT.token, '--chat', String(ON_CALL.id)]

/** What the fake server recorded for sendMessage: status, fault and chat, in order. */
function sendAttempts() {
  return callsOf(world.api, 'sendMessage').map((request) => ({status: request.status, chat: request.params.chat_id}))
}

function textsIn(chatId: number): Array<string | undefined> {
  return world.api.messages(chatId).map((message) => message.text)
}

describe('send retries what can succeed later', () => {
  it('429: waits retry_after, then delivers the message exactly once', async () => {
    world.api.failNext({method: 'sendMessage', kind: {status: 429, retryAfter: 1}})
    const result = await world.run(['send', ...toOnCall, '--debug', 'disk 91% on db-1'])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe('sent to 4242: message 1')
    // The wait itself is the client's decision, shown in the trace: no clock is read here.
    expect(result.stderr.split('\n')).toEqual([
      expect.stringMatching(/^debug: sendMessage attempt 1: 429 in \d+ ms$/),
      "debug: sendMessage: retrying in 1000 ms after: Call to 'sendMessage' failed (429: Too Many Requests: retry after 1)",
      expect.stringMatching(/^debug: sendMessage attempt 2: 200 in \d+ ms$/),
    ])
    expect(sendAttempts()).toEqual([{status: 429, chat: ON_CALL.id}, {status: 200, chat: ON_CALL.id}])
    expect(textsIn(ON_CALL.id)).toEqual(['disk 91% on db-1'])
  })

  it('5xx (nginx 502 page, then a JSON 500) then success: delivered once, exit 0', async () => {
    world.api.failNext({method: 'sendMessage', kind: {status: 502}})
    world.api.failNext({method: 'sendMessage', kind: {status: 500}})
    const result = await world.run(['send', ...toOnCall, 'payments api recovered'])
    expect(result).toEqual({stdout: 'sent to 4242: message 1', stderr: '', exitCode: 0})
    expect(sendAttempts()).toEqual([
      {status: 502, chat: ON_CALL.id},
      {status: 500, chat: ON_CALL.id},
      {status: 200, chat: ON_CALL.id},
    ])
    expect(textsIn(ON_CALL.id)).toEqual(['payments api recovered'])
  })

  it('timeout: a request that never answers is abandoned after --timeout and retried, delivered once', async () => {
    world.api.failNext({method: 'sendMessage', kind: {hang: true}})
    const result = await world.run(['send', ...toOnCall, '--timeout', '1', '--debug', 'nightly backup ok'])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe('sent to 4242: message 1')
    expect(result.stderr).toMatch(/^debug: sendMessage attempt 1: timeout error after \d+ ms$/m)
    expect(result.stderr).toMatch(/^debug: sendMessage: retrying in \d+ ms after: Call to 'sendMessage' failed: request timed out after 1000 ms$/m)
    const attempts = callsOf(world.api, 'sendMessage').map((request) => ({fault: request.fault, status: request.status}))
    expect(attempts).toEqual([{fault: {hang: true}, status: undefined}, {fault: undefined, status: 200}])
    expect(textsIn(ON_CALL.id)).toEqual(['nightly backup ok'])
  })

  it('5xx on every attempt: gives up after 3 retries, one line, exit 3', async () => {
    world.api.failNext({method: 'sendMessage', times: 10, kind: {status: 503}})
    const result = await world.run(['send', ...toOnCall, 'still down?'])
    expect(result).toEqual({
      stdout: '',
      stderr: "Error: 4242: Call to 'sendMessage' failed: server answered 503 Service Unavailable",
      exitCode: 3,
    })
    expect(sendAttempts()).toEqual(Array.from({length: 4}, () => ({status: 503, chat: ON_CALL.id})))
  })

  it('connection refused: retried, then one line and exit 3', async () => {
    const apiRoot = await closedApiRoot()
    const result = await world.run(['send', ...toOnCall, 'anyone there?'], {env: {TELEGRAM_API_BASE_URL: apiRoot}})
    const port = new URL(apiRoot).port
    expect(result).toEqual({stdout: '', stderr: `Error: 4242: Call to 'sendMessage' failed: connect ECONNREFUSED 127.0.0.2:${port}`, exitCode: 3})
  })
})

describe('send stops at once on refusals', () => {
  it('403: one line naming the chat and the hint, exit 1, exactly one request', async () => {
    world.api.failNext({method: 'sendMessage', kind: {status: 403}})
    const result = await world.run(['send', ...toOnCall, 'are you there?'])
    expect(result).toEqual({
      stdout: '',
      stderr:
        "Error: 4242: Call to 'sendMessage' failed (403: Forbidden: bot was blocked by the user): the bot was removed from the chat or blocked",
      exitCode: 1,
    })
    expect(world.api.requests.map((request) => `${request.method} ${request.status}`)).toEqual(['sendMessage 403'])
    expect(textsIn(ON_CALL.id)).toEqual([])
  })

  it('400 chat not found: one line with the hint, exit 1, no retry', async () => {
    const result = await world.run(['send', '--token', ALERTS_BOT.token, '--chat', '-1000000000404', 'hello'])
    expect(result).toEqual({
      stdout: '',
      stderr:
        "Error: -1000000000404: Call to 'sendMessage' failed (400: Bad Request: chat not found): check the chat id, and that the bot was added to the chat",
      exitCode: 1,
    })
    expect(world.api.requests).toHaveLength(1)
  })

  it('401: the token is wrong, exit 1, no retry', async () => {
    const result = await world.run(['send', '--token', '4000000001:AAHx9Kq2Lm7Np3Rs8Tv4Wx1Yz6Ab5Cd0Ef2', '--chat', '4242', 'hello'])
    expect(result).toEqual({
      stdout: '',
      stderr: "Error: 4242: Call to 'sendMessage' failed (401: Unauthorized): the bot token is wrong (ask @BotFather)",
      exitCode: 1,
    })
    expect(world.api.requests).toHaveLength(1)
  })
})

describe('a group upgraded to a supergroup', () => {
  const registry = `# ops bots
bots:
  - name: alerts
    id: 1
    token: ${ALERTS_BOT.token}
    chat_ids: [${LEGACY_GROUP.id}, ${ON_CALL.id}] # legacy group, then on-call
`

  it('a registry chat: delivered to the new id, stderr says so, the registry is rewritten, the next send goes straight there', async () => {
    writeRegistry(world.cli, registry)
    world.api.migrateChat(LEGACY_GROUP.id, UPGRADED_GROUP_ID)

    const first = await world.run(['send', '--bot', 'alerts', 'deploy 1.4.2 done'])
    expect(first).toEqual({
      stdout: `sent to -4001 (now ${UPGRADED_GROUP_ID}): message 1\nsent to 4242: message 1`,
      stderr: `Warning: chat -4001 was upgraded to a supergroup; now ${UPGRADED_GROUP_ID} (updated in ${REGISTRY_DISPLAY})`,
      exitCode: 0,
    })
    expect(readRegistry(world.cli)).toBe(registry.replace(`[${LEGACY_GROUP.id},`, `[${UPGRADED_GROUP_ID},`))
    expect(sendAttempts().filter((attempt) => attempt.chat !== ON_CALL.id)).toEqual([
      {status: 400, chat: LEGACY_GROUP.id},
      {status: 200, chat: UPGRADED_GROUP_ID},
    ])

    world.api.reset()
    const second = await world.run(['send', '--bot', 'alerts', '--json', 'deploy 1.4.3 done'])
    expect(second.exitCode).toBe(0)
    expect(second.stderr).toBe('')
    expect(JSON.parse(second.stdout)).toEqual({
      bot: 'alerts',
      deliveries: [
        {chatId: UPGRADED_GROUP_ID, ok: true, messageIds: [2]},
        {chatId: ON_CALL.id, ok: true, messageIds: [2]},
      ],
    })
    expect(sendAttempts()).toEqual([
      {status: 200, chat: UPGRADED_GROUP_ID},
      {status: 200, chat: ON_CALL.id},
    ])
    expect(textsIn(UPGRADED_GROUP_ID)).toEqual(['deploy 1.4.2 done', 'deploy 1.4.3 done'])
  })

  it('a --chat flag: delivered to the new id, and the user is told to use it from now on (in --json too)', async () => {
    world.api.migrateChat(LEGACY_GROUP.id, UPGRADED_GROUP_ID)
    const result = await world.run(['send', '--token', ALERTS_BOT.token, '--chat', String(LEGACY_GROUP.id), '--json', 'hello'])
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe(`Warning: chat -4001 was upgraded to a supergroup; now ${UPGRADED_GROUP_ID}: use the new id from now on`)
    expect(JSON.parse(result.stdout)).toEqual({
      bot: 'flag --token',
      deliveries: [{chatId: LEGACY_GROUP.id, ok: true, messageIds: [1], migratedTo: UPGRADED_GROUP_ID}],
      // Every warning the run printed on stderr rides in the JSON envelope, where scripts look.
      warnings: [`chat -4001 was upgraded to a supergroup; now ${UPGRADED_GROUP_ID}: use the new id from now on`],
    })
    expect(textsIn(UPGRADED_GROUP_ID)).toEqual(['hello'])
  })

  it('the new id listed beside the old one (as that warning asks, where the old cannot be rewritten): one message there', async () => {
    world.api.migrateChat(LEGACY_GROUP.id, UPGRADED_GROUP_ID)
    const env = {TELEGRAM_BOT_TOKEN: ALERTS_BOT.token, TELEGRAM_CHAT_IDS: `${LEGACY_GROUP.id},${UPGRADED_GROUP_ID}`}
    for (const text of ['first run', 'every run after']) {
      const result = await world.run(['send', text], {env})
      expect([result.exitCode, result.stdout.split('\n')]).toEqual([0, [`sent to -4001 (now ${UPGRADED_GROUP_ID}, listed too: sent there once)`, `sent to ${UPGRADED_GROUP_ID}: message ${text === 'first run' ? 1 : 2}`]])
    }
    expect(textsIn(UPGRADED_GROUP_ID)).toEqual(['first run', 'every run after'])
    // Not a failed send in the stats: the chat it went to instead counts it.
    const stats = JSON.parse((await world.run(['bots', 'stats', '--json'], {env})).stdout) as {bots: Array<{sent: number; failed: number}>}
    expect(stats.bots.map(({sent, failed}) => [sent, failed])).toEqual([[2, 0]])
  })

  it('the same, for a flush of several waiting alerts: the upgrade learnt on the first entry holds for the next', async () => {
    const env = {TELEGRAM_BOT_TOKEN: ALERTS_BOT.token, TELEGRAM_CHAT_IDS: `${LEGACY_GROUP.id},${UPGRADED_GROUP_ID}`}
    const down = {...env, TELEGRAM_API_BASE_URL: await closedApiRoot()}
    for (const title of ['first', 'second']) expect((await world.run(['alert', title, '--no-host'], {env: down})).exitCode).toBe(75)
    world.api.migrateChat(LEGACY_GROUP.id, UPGRADED_GROUP_ID)
    expect((await world.run(['alert', 'flush'], {env})).exitCode).toBe(0)
    expect(textsIn(UPGRADED_GROUP_ID).map((text) => text?.split('\n')[0])).toEqual([expect.stringContaining('first'), expect.stringContaining('second')])
  })
})
