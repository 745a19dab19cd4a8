import {describe, expect, it} from 'vitest'

import {apiRootFromEnv, checkedApiRoot} from '../../src/api/api-root.js'
import {UserError} from '../../src/user-error.js'

describe('apiRootFromEnv', () => {
  it('is Telegram’s when unset or blank, and the variable trimmed and without trailing slashes otherwise', () => {
    expect(apiRootFromEnv({})).toEqual({value: 'https://api.telegram.org', source: 'default'})
    expect(apiRootFromEnv({TELEGRAM_API_BASE_URL: ' \n'})).toEqual({value: 'https://api.telegram.org', source: 'default'})
    expect(apiRootFromEnv({TELEGRAM_API_BASE_URL: ' http://127.0.0.1:8081/tg// \n'})).toEqual({
      value: 'http://127.0.0.1:8081/tg',
      source: 'env TELEGRAM_API_BASE_URL',
    })
  })

  it('keeps the form the URL parser read: a tab or newline inside, which it drops, cannot reach the request', () => {
    expect(apiRootFromEnv({TELEGRAM_API_BASE_URL: 'http://127.0.0.1:80\t81/t\ng'}).value).toBe('http://127.0.0.1:8081/tg')
  })

  it('names the variable in one line for a value no request could use; a URL password is masked', () => {
    const refused = (value: string) => () => apiRootFromEnv({TELEGRAM_API_BASE_URL: value})
    expect(refused('api.telegram.org')).toThrow(new UserError('TELEGRAM_API_BASE_URL: expected an http(s) URL, got "api.telegram.org"'))
    expect(refused('ftp://127.0.0.1')).toThrow(new UserError('TELEGRAM_API_BASE_URL: expected an http(s) URL, got "ftp://127.0.0.1"'))
    expect(refused('http://ops:s3cretpassw0rd@127.0.0.1:99999')).toThrow(
      new UserError('TELEGRAM_API_BASE_URL: expected an http(s) URL, got "http://ops:***@127.0.0.1:99999"'),
    )
    for (const value of ['http://127.0.0.1:8081/?', 'http://127.0.0.1:8081/#x']) {
      expect(refused(value)).toThrow(new UserError(`TELEGRAM_API_BASE_URL: expected a URL without ?query or #fragment, got "${value}"`))
    }
  })
})

describe('checkedApiRoot', () => {
  it('names what it was given in its message', () => {
    expect(() => checkedApiRoot('not a url', 'apiRoot')).toThrow(new UserError('apiRoot: expected an http(s) URL, got "not a url"'))
  })
})
