// A run killed while Telegram has not answered yet (cron's `timeout` sends SIGTERM, the OOM killer SIGKILL) loses
// nothing: `send --outbox` writes its entry before the first call, as `alert` does, and takes each chat off it as
// Telegram accepts it, so the next flush delivers the rest exactly once. And an entry a killed run left claimed, then
// damaged, is not kept out of sight: listed with a warning, then set aside by the flush.
import {type ChildProcess, spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {useRedisForTests} from '../store/redis-server.js'
import {ALERTS_BOT, callsOf, ON_CALL, OPS_FORUM, useCliWorld} from './fixture.js'

const world = useCliWorld()
const redis = useRedisForTests()
const BIN = join(import.meta.dirname, '../../bin/run.js')
const ENTRY_ID = '\\d{15}-\\d+-[0-9a-f]{8}'

/** A bot of its own per test, so that a Redis shared with other runs holds no entry of it. */
function reportsBot(store?: string) {
  const name = `reports-${randomBytes(4).toString('hex')}`
  const configs = JSON.stringify([{name, token: ALERTS_BOT.token, chat_ids: [ON_CALL.id, OPS_FORUM.id]}])
  return {name, env: {TELEGRAM_BOT_CONFIGS: configs, ...(store ? {FASTPAY_TG_STORE: store} : {})}}
}

function start(args: string[], env: Record<string, string>): {child: ChildProcess; ended: Promise<NodeJS.Signals | null>} {
  const child = spawn(process.execPath, [BIN, ...args], {env: {...world.cli.env, ...env}, stdio: 'ignore'})
  return {child, ended: new Promise((resolve) => child.on('close', (_code, signal) => resolve(signal)))}
}

/**
 * Polls until `probe` holds. Past `timeoutMs` it fails the test, naming what it waited for and what it saw last: a test
 * that went on without it killed a run at the wrong moment, and then failed on an assertion about something else.
 */
async function until(what: string, probe: () => boolean | Promise<boolean>, seen: () => unknown, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await probe())) {
    if (performance.now() > deadline) throw new Error(`gave up after ${timeoutMs / 1000}s waiting for ${what}; last seen: ${JSON.stringify(await seen())}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

const hanging = () => callsOf(world.api, 'sendMessage').filter((request) => request.fault !== undefined && request.status === undefined)
const accepted = (chatId: number) => world.api.messages(chatId).length

describe('send --outbox killed before Telegram answered', () => {
  for (const store of ['file', 'redis'] as const) {
    it(`${store} store: SIGKILL while one chat's request hangs; flush sends that chat alone, each chat has it once`, async (context) => {
      const available = redis.current()
      if (store === 'redis' && !available.redis) return context.skip(available.skip)
      const bot = reportsBot(available.redis && store === 'redis' ? available.redis.url : undefined)
      world.api.failNext({method: 'sendMessage', kind: {hang: true}})
      const run = start(['send', '--outbox', 'Outbox kill test'], bot.env)
      // Killed once the other chat's answer is written down: `alert outbox` shows the entry waiting for one chat.
      const listingOf = async () => (await world.run(['alert', 'outbox', '--bot', bot.name], {env: bot.env})).stdout
      const waiting = /chats -?\d+ {2}attempts 0 /
      await until(
        `one hanging sendMessage and 'alert outbox' showing the entry waiting for one chat (${waiting})`,
        async () => hanging().length === 1 && waiting.test(await listingOf()),
        async () => ({hanging: hanging().length, listing: await listingOf(), runExit: run.child.exitCode}),
        60_000,
      )
      const hungChat = hanging()[0]?.params.chat_id as number
      expect(await listingOf()).toContain(`  (being delivered by ${store === 'redis' ? `${hostname()}/` : 'pid '}${run.child.pid})  `)
      run.child.kill('SIGKILL')
      expect(await run.ended).toBe('SIGKILL')
      // Its claim outlives it: shown as left by a run that died, not as a delivery under way.
      const holder = store === 'redis' ? `${hostname()}/${run.child.pid}` : `pid ${run.child.pid}`
      const left = `\\(left by ${holder.replaceAll('.', '\\.')}, which died: the next flush delivers it\\)`
      expect(await listingOf()).toMatch(new RegExp(`^${ENTRY_ID}  bot ${bot.name}  chats ${hungChat}  attempts 0  ${left}  Outbox kill test$`))

      const flushed = await world.run(['alert', 'flush', '--bot', bot.name], {env: bot.env})
      expect(flushed.stdout).toMatch(new RegExp(`^delivered ${ENTRY_ID} \\(bot ${bot.name}\\) to ${hungChat}\\noutbox empty$`))
      expect(flushed.exitCode).toBe(0)
      expect((await world.run(['alert', 'flush', '--bot', bot.name], {env: bot.env})).stdout.split('\n').at(-1)).toBe('outbox empty')
      expect([accepted(ON_CALL.id), accepted(OPS_FORUM.id)]).toEqual([1, 1])
    }, 120_000)
  }

  it('SIGTERM (timeout -s TERM) while every request hangs: listed, then delivered once by flush', async () => {
    const bot = reportsBot()
    world.api.failNext({method: 'sendMessage', times: 3, kind: {hang: true}})
    const run = start(['send', '--outbox', '--chat', String(ON_CALL.id), 'Outbox term test<'], bot.env)
    await until('one hanging sendMessage', () => hanging().length === 1, () => ({hanging: hanging().length, runExit: run.child.exitCode}))
    run.child.kill('SIGTERM')
    await run.ended

    const listed = await world.run(['alert', 'outbox'], {env: bot.env})
    expect(listed.stdout).toMatch(new RegExp(`^${ENTRY_ID}  bot ${bot.name}  chats ${ON_CALL.id}  attempts 0  \\(left by pid ${run.child.pid}, which died: the next flush delivers it\\)  Outbox term test<$`))
    world.api.reset()
    const flushed = await world.run(['alert', 'flush'], {env: bot.env})
    expect(flushed.stdout).toMatch(new RegExp(`^delivered ${ENTRY_ID} \\(bot ${bot.name}\\) to ${ON_CALL.id}\\noutbox empty$`))
    expect(flushed.stderr).toMatch(new RegExp(`^Warning: outbox entry ${ENTRY_ID} was left claimed by pid ${run.child.pid}; it waits again$`))
    expect(world.api.messages(ON_CALL.id).map((message) => message.text)).toEqual(['Outbox term test<'])
  })
})

describe('an entry a killed run left claimed, then cut short', () => {
  it('alert outbox warns about it; alert flush sets it aside in outbox/corrupt/ with one warning', async () => {
    const bot = reportsBot()
    world.api.failNext({method: 'sendMessage', kind: {hang: true}})
    const run = start(['alert', 'Disk full', '--no-host', '--chat', String(ON_CALL.id)], bot.env)
    await until('one hanging sendMessage', () => hanging().length === 1, () => ({hanging: hanging().length, runExit: run.child.exitCode}))
    run.child.kill('SIGKILL')
    await run.ended
    const claimedDir = join(world.cli.stateDir, 'outbox', 'claimed')
    const [name] = readdirSync(claimedDir)
    const claim = join(claimedDir, name!)
    writeFileSync(claim, readFileSync(claim).subarray(0, 40))

    const listed = await world.run(['alert', 'outbox'], {env: bot.env})
    expect(listed).toEqual({
      stdout: 'outbox empty',
      stderr: `Warning: outbox entry ${claim} is unreadable (not JSON); the next flush sets it aside once pid ${run.child.pid} is gone`,
      exitCode: 0,
    })
    const flushed = await world.run(['alert', 'flush'], {env: bot.env})
    const aside = join(world.cli.stateDir, 'outbox', 'corrupt', `${name!.split('.')[0]}.json`)
    expect(flushed).toEqual({
      stdout: 'outbox empty',
      stderr: `Warning: outbox entry ${claim} (left claimed by pid ${run.child.pid}) was unreadable; set aside as ${aside}`,
      exitCode: 0,
    })
    expect(readFileSync(aside)).toHaveLength(40)
    expect(existsSync(claim)).toBe(false)
    expect(await world.run(['alert', 'flush'], {env: bot.env})).toEqual({stdout: 'outbox empty', stderr: '', exitCode: 0})
  })
})
