import {describe, expect, it} from 'vitest'

import {diagnoseUnknownCommand, editDistance, unknownCommandMessage} from '../../commands/support/unknown-command.js'

const KNOWN = ['send', 'deploy', 'digest', 'discover', 'bots', 'bots:list', 'bots:add', 'bots:test', 'monitor', 'monitor:run', 'monitor:watch', 'alert', 'alert:flush']

describe('editDistance', () => {
  it('counts a swap of neighbours as one step', () => {
    expect(editDistance('sedn', 'send')).toBe(1)
    expect(editDistance('lst', 'list')).toBe(1)
    expect(editDistance('', 'abc')).toBe(3)
    expect(editDistance('kitten', 'sitting')).toBe(3)
  })
})

describe('diagnoseUnknownCommand', () => {
  it('finds the typo at the first word that leaves the tree, and keeps the words that follow it when they fit', () => {
    expect(diagnoseUnknownCommand('sedn:hello', KNOWN)).toEqual({typed: 'sedn', suggestions: ['send']})
    expect(diagnoseUnknownCommand('bots:lst', KNOWN)).toEqual({typed: 'bots lst', suggestions: ['bots list']})
    expect(diagnoseUnknownCommand('monitr:run', KNOWN)).toEqual({typed: 'monitr', suggestions: ['monitor run']})
    expect(diagnoseUnknownCommand('bot:list', KNOWN)).toEqual({typed: 'bot', suggestions: ['bots list']})
  })

  it('ranks by distance, offers a prefix, and stays silent when nothing is close', () => {
    expect(diagnoseUnknownCommand('di', KNOWN).suggestions).toEqual(['digest', 'discover'])
    expect(diagnoseUnknownCommand('bots:tes', KNOWN).suggestions).toEqual(['bots test'])
    expect(diagnoseUnknownCommand('xyzzy', KNOWN).suggestions).toEqual([])
  })
})

describe('unknownCommandMessage', () => {
  it('joins several suggestions with "or"', () => {
    expect(unknownCommandMessage('fastpay-tg', {typed: 'di', suggestions: ['digest', 'discover', 'deploy']})).toBe(
      'unknown command "di"; did you mean "digest", "discover" or "deploy"? (fastpay-tg help lists the commands)',
    )
  })
})
