import {describe, expect, it} from 'vitest'

import {parseField} from '../../src/alert/field.js'
import {renderAlert, suppressedLine} from '../../src/alert/render-alert.js'
import {parseSeverity} from '../../src/alert/severity.js'
import {describeFailure} from '../../src/describe-failure.js'
import {parseTelegramHtml} from '../fake-bot-api/server.js'

const TIME = new Date('2025-06-01T14:03:15.250Z')

describe('renderAlert', () => {
  it('lays out icon, title, fields, body, suppressed count and footer, all escaped', () => {
    const text = renderAlert({
      title: 'Disk <almost> full & rising',
      severity: 'critical',
      fields: [
        ['mount', '/var'],
        ['a<b', 'x & y'],
      ],
      body: 'df says:\n/dev/sda1 93% <used>\n\n',
      channel: 'alerts',
      host: 'web-1&2',
      time: TIME,
      suppressed: {count: 49, since: new Date('2025-06-01T14:02:11.900Z')},
    })
    expect(text).toBe(
      [
        '🚨 <b>Disk &lt;almost&gt; full &amp; rising</b>',
        '<b>mount</b>: /var',
        '<b>a&lt;b</b>: x &amp; y',
        '',
        'df says:',
        '/dev/sda1 93% &lt;used&gt;',
        '',
        '<i>49 similar alerts suppressed since 14:02:11 UTC</i>',
        '<i>web-1&amp;2 · 2025-06-01T14:03:15Z</i>',
      ].join('\n'),
    )
    expect(parseTelegramHtml(text)).toMatchObject({ok: true})
  })

  it.each([
    ['info', 'ℹ️'],
    ['warning', '⚠️'],
    ['error', '❌'],
    ['critical', '🚨'],
  ] as const)('opens a %s alert with %s', (severity, icon) => {
    expect(renderAlert({title: 'T', severity, channel: 'alerts', host: null, time: null})).toBe(`${icon} <b>T</b>`)
  })

  it('adds the host name and the current time by default', () => {
    const before = Date.now()
    const text = renderAlert({title: 'T', severity: 'info', channel: 'alerts'})
    const footer = /^<i>(.+) · (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)<\/i>$/m.exec(text)
    expect(footer?.[1]).not.toBe('')
    expect(Date.parse(footer![2]!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000)
  })

  it('says "1 similar alert" in the singular and dates a suppression from another day', () => {
    expect(suppressedLine({count: 1, since: new Date('2025-06-01T00:00:05Z')}, TIME)).toBe(
      '1 similar alert suppressed since 00:00:05 UTC',
    )
    expect(suppressedLine({count: 3, since: new Date('2025-05-31T23:59:59Z')}, TIME)).toBe(
      '3 similar alerts suppressed since 2025-05-31 23:59:59 UTC',
    )
  })
})

describe('parseSeverity', () => {
  it('accepts the four severities in any case', () => {
    expect(['info', ' Warning', 'ERROR', 'critical'].map((value) => parseSeverity(value))).toEqual([
      'info',
      'warning',
      'error',
      'critical',
    ])
  })

  it('refuses anything else with one line and exit code 2', () => {
    const error = captured(() => parseSeverity('loud'))
    expect(error.message).toBe('--severity: expected one of info, warning, error, critical (got "loud")')
    expect(describeFailure(error)).toMatchObject({code: 'usage', exitCode: 2})
  })
})

describe('parseField', () => {
  it('splits at the first =, keeping the value as given', () => {
    expect(parseField('url=https://x/?a=1&b=2')).toEqual(['url', 'https://x/?a=1&b=2'])
    expect(parseField(' region =eu west')).toEqual(['region', 'eu west'])
    expect(parseField('empty=')).toEqual(['empty', ''])
  })

  it.each(['novalue', '=value', '  =value', ''])('refuses %j', (input) => {
    const error = captured(() => parseField(input))
    expect(error.message).toBe(`--field: expected key=value (got ${JSON.stringify(input)})`)
    expect(describeFailure(error).exitCode).toBe(2)
  })
})

function captured(action: () => unknown): Error {
  try {
    action()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}
