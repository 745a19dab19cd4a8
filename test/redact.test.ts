// redact: bot tokens wherever and however they appear; other secrets only as whole words, and only when long enough
// that masking them cannot rewrite ordinary alert text.
import {describe, expect, it} from 'vitest'
import {MIN_SECRET_LENGTH, redact, registerSecret, registerToken} from '../src/redact.js'

const TOKEN = '7012345678:AAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U'
const MASK = '7012345678:AA…1U'

describe('bot tokens', () => {
  it.each([
    ['plain, glued to the URL path', `POST https://api.telegram.org/bot${TOKEN}/sendMessage`],
    ['percent-encoded, as proxies echo it', 'GET /bot7012345678%3AAAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U/getMe 403'],
    ['percent-encoded, lower case', 'url=/bot7012345678%3aAAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U/getMe'],
    ['percent-encoded twice', 'next=%2Fbot7012345678%253AAAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U%2FgetMe'],
    ['JSON-escaped colon', '{"url":"https:\\/\\/api.telegram.org\\/bot7012345678\\u003aAAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U\\/getMe"}'],
    ['JSON-escaped twice', '"{\\"token\\":\\"7012345678\\\\u003AAAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U\\"}"'],
  ])('%s: masked without being registered', (_name, text) => {
    const redacted = redact(text)
    expect(redacted).toContain(MASK)
    expect(redacted).not.toContain('Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U')
  })

  it('a registered token of no usual shape is masked anywhere, also encoded', () => {
    const odd = 'vault:odd/token+with=chars'
    registerToken(odd)
    expect(redact(`GET /bot${odd}/getMe`)).toBe('GET /botvault:od…rs/getMe')
    expect(redact(`GET /bot${encodeURIComponent(odd)}/getMe`)).toBe('GET /botvault:od…rs/getMe')
    expect(redact(JSON.stringify({url: `/bot${odd}`}))).toBe('{"url":"/botvault:od…rs"}')
  })
})

describe('other secrets', () => {
  it(`are masked as whole words when ${MIN_SECRET_LENGTH}+ characters, also percent-encoded`, () => {
    registerSecret('hook-Secret-2024/x')
    expect(redact('header secret hook-Secret-2024/x refused')).toBe('header secret *** refused')
    expect(redact('query ?s=hook-Secret-2024%2Fx&a=1')).toBe('query ?s=***&a=1')
    expect(redact('"secret":"hook-Secret-2024/x"')).toBe('"secret":"***"')
  })

  it('are left alone inside a longer word', () => {
    registerSecret('settlements-db')
    expect(redact('settlements-db down')).toBe('*** down')
    expect(redact('settlements-dbx and xsettlements-db are other names')).toBe('settlements-dbx and xsettlements-db are other names')
  })

  it(`shorter than ${MIN_SECRET_LENGTH} characters are not masked in text: a Redis password "payments" keeps alerts readable`, () => {
    registerSecret('payments')
    expect(redact('payments API down')).toBe('payments API down')
    expect(redact('Payments: 3 refunds pending')).toBe('Payments: 3 refunds pending')
  })

  it('a URL password is masked whatever its length, the rest of the URL stays', () => {
    expect(redact('connect redis://:payments@10.0.0.5:6379/2 failed')).toBe('connect redis://:***@10.0.0.5:6379/2 failed')
    expect(redact('GET https://ops:pw@status.example.com/health')).toBe('GET https://ops:***@status.example.com/health')
    expect(redact('see https://status.example.com:8443/health')).toBe('see https://status.example.com:8443/health')
  })
})
