// Registry edits keep the user's bytes on every line they do not change (bots update, sync-info, disable...).
import {readFile} from 'node:fs/promises'
import {describe, expect, it} from 'vitest'

import {changeBot} from '../../src/config/index.js'
import {keepUntouchedLines} from '../../src/config/keep-layout.js'
import {writeConfig} from './helpers.js'

const SPACED = `bots:   # all of them
  - name: alerts    # pager
    token: \${ALERTS_TOKEN}
    chat_ids: [ -100123, 42 ]     # ops room, me
    message_thread_id: 7
# the end
`

describe('keepUntouchedLines', () => {
  it('replaces only the lines the edit changed; odd spacing elsewhere stays', () => {
    const printedBefore = 'bots: # all of them\n  - name: alerts # pager\n    token: ${ALERTS_TOKEN}\n    chat_ids: [-100123, 42] # ops room, me\n    message_thread_id: 7\n\n# the end\n'
    const printedAfter = printedBefore.replace('message_thread_id: 7', 'message_thread_id: 9')
    expect(keepUntouchedLines(SPACED, printedBefore, printedAfter)).toBe(SPACED.replace('message_thread_id: 7', 'message_thread_id: 9'))
  })

  it('a line the printer reformats but the edit did not touch keeps the user’s form; one it changed takes the printer’s', () => {
    const printedBefore = 'a: [1, 2] # x\nb: 1\n'
    expect(keepUntouchedLines('a: [ 1, 2 ]   # x\nb: 1\n', printedBefore, 'a: [1, 2] # x\nb: 2\n')).toBe('a: [ 1, 2 ]   # x\nb: 2\n')
    expect(keepUntouchedLines('a: [ 1, 2 ]   # x\nb: 1\n', printedBefore, 'a: [1, 2, 3] # x\nb: 1\n')).toBe('a: [1, 2, 3] # x\nb: 1\n')
  })
})

describe('changeBot', () => {
  it('adds and removes chats in place, through a real file, byte for byte elsewhere', async () => {
    const path = await writeConfig(SPACED)
    await changeBot(path, 'alerts', {addChats: [-100777], removeChats: [42], patch: {message_thread_id: null}})
    expect(await readFile(path, 'utf8')).toBe(SPACED.replace('    chat_ids: [ -100123, 42 ]     # ops room, me\n    message_thread_id: 7\n', '    chat_ids: [-100123, -100777] # ops room, me\n'))
  })

  it('a multi-line flow list the printer folds: the edited document is written whole, never a mix', async () => {
    const folded = 'bots:\n  - name: alerts\n    token: ${ALERTS_TOKEN}\n    chat_ids: [\n      -100123,\n      42,\n    ]\n'
    const path = await writeConfig(folded)
    await changeBot(path, 'alerts', {removeChats: [42]})
    expect(await readFile(path, 'utf8')).toBe('bots:\n  - name: alerts\n    token: ${ALERTS_TOKEN}\n    chat_ids: [-100123]\n')
  })
})
