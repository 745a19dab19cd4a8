// Sends to many chats on a terminal: `3/4 sent, 1 failed` on one redrawing stderr line while they go, and the ok
// and failed words in colour; neither through a pipe nor with NO_COLOR. The terminal is a real pseudo-terminal.
import {describe, expect, it} from 'vitest'

import {showOnTerminal} from '../helpers/run-on-terminal.js'
import {ALERTS_BOT, envConfigs, ON_CALL, OPS_FORUM, STATUS_CHANNEL, useCliWorld} from './fixture.js'

const world = useCliWorld()
const GREEN = (text: string) => `\u001b[32m${text}\u001b[39m`
const RED = (text: string) => `\u001b[31m${text}\u001b[39m`
const REDRAW = '\r\u001b[2K'
const MISSING_CHAT = '-1009999999999'
const CHATS = [String(ON_CALL.id), String(OPS_FORUM.id), String(STATUS_CHANNEL.id), MISSING_CHAT]
const sendArgs = ['send', '--token', ALERTS_BOT.token, ...CHATS.flatMap((chat) => ['--chat', chat]), 'Nightly report']
// The line shows from the first chat on (it waits 200 ms otherwise), so a quick fake server still draws it.
const terminalEnv = () => ({...world.cli.env, TERM: 'xterm', FASTPAY_TG_PROGRESS_DELAY_MS: '0'})
const ESC = '\u001b'

describe('progress and colour on a terminal', () => {
  it('send: one redrawing line ending at 3/4 sent, 1 failed, cleared before the coloured per-chat lines', async () => {
    const {screen, exitCode} = await showOnTerminal(terminalEnv(), sendArgs)
    expect(exitCode).toBe(1)
    const final = `${REDRAW}3/4 ${GREEN('sent')}, 1 ${RED('failed')}`
    expect(screen).toContain(final)
    // Every drawing replaces the last in place: no progress text ever starts a line of its own.
    const drawings = screen.split(REDRAW).slice(1, -1)
    expect(drawings.length).toBeGreaterThan(0)
    for (const drawing of drawings) expect(drawing).toMatch(/^\d\/4 /)
    const after = screen.slice(screen.indexOf(final) + final.length)
    expect(after.startsWith(REDRAW)).toBe(true)
    expect(after).toContain(`${GREEN('sent')} to ${ON_CALL.id}: message`)
    expect(after).toContain(`${RED('Error')}: ${MISSING_CHAT}: `)
    expect(world.api.requests.filter((request) => request.method === 'sendMessage')).toHaveLength(4)
  })

  it('alert: the same line for a channel of several chats', async () => {
    const env = {...terminalEnv(), TELEGRAM_BOT_CONFIGS: envConfigs({name: 'alerts', token: ALERTS_BOT.token, chat_ids: [ON_CALL.id, OPS_FORUM.id, STATUS_CHANNEL.id]})}
    const {screen, exitCode} = await showOnTerminal(env, ['alert', 'Disk full', '--throttle-seconds', '0'])
    expect(exitCode).toBe(0)
    expect(screen).toContain(`${REDRAW}3/3 ${GREEN('sent')}`)
    expect(screen).toContain(`${GREEN('sent')} to ${STATUS_CHANNEL.id}: message`)
  })

  it('NO_COLOR: neither the line nor colour', async () => {
    const {screen, exitCode} = await showOnTerminal({...terminalEnv(), NO_COLOR: '1'}, sendArgs)
    expect(exitCode).toBe(1)
    expect(screen).not.toContain(ESC)
    expect(screen).not.toContain('3/4')
    expect(screen).toContain(`sent to ${ON_CALL.id}: message`)
  })

  it('--json: no line, on a terminal too, and plain JSON', async () => {
    const {screen} = await showOnTerminal(terminalEnv(), [...sendArgs, '--json'])
    expect(screen).not.toContain(REDRAW)
    expect(screen).not.toContain('3/4')
    expect(screen).toContain('"ok": true')
    expect(screen).not.toContain(GREEN('sent'))
  })
})

describe('through a pipe', () => {
  it('neither the line nor colour', async () => {
    const result = await world.run(sendArgs, {env: {FASTPAY_TG_PROGRESS_DELAY_MS: '0', TERM: 'xterm'}})
    expect(result.exitCode).toBe(1)
    expect(result.stdout.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^sent to ${ON_CALL.id}: message \\d+$`)),
      expect.stringMatching(new RegExp(`^sent to ${OPS_FORUM.id}: message \\d+$`)),
      expect.stringMatching(new RegExp(`^sent to ${STATUS_CHANNEL.id}: message \\d+$`)),
    ])
    expect(result.stderr).toMatch(new RegExp(`^Error: ${MISSING_CHAT}: `))
    expect(result.stderr).not.toContain(ESC)
    expect(result.stderr).not.toContain('\r')
  })

  it('FORCE_COLOR: colour, but still no redrawing line', async () => {
    const result = await world.run(sendArgs, {env: {FASTPAY_TG_PROGRESS_DELAY_MS: '0', FORCE_COLOR: '1'}})
    expect(result.stdout).toContain(`${GREEN('sent')} to ${ON_CALL.id}: message`)
    expect(result.stderr).toContain(`${RED('Error')}: ${MISSING_CHAT}: `)
    expect(result.stderr).not.toContain('\r')
  })
})
