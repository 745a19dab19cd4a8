import {describe, expect, it} from 'vitest'

import {TelegramApiError, TelegramNetworkError} from '../../src/api/index.js'
import {describeFailure} from '../../src/describe-failure.js'
import {failureKind} from '../../src/send/failure-kind.js'
import {UserError} from '../../src/user-error.js'

describe('failureKind', () => {
  it.each([
    ['network down', new TelegramNetworkError('sendMessage', 'network', 'connect ECONNREFUSED'), 'later'],
    ['nginx 502', new TelegramNetworkError('sendMessage', 'server', 'server answered 502 Bad Gateway', {status: 502}), 'later'],
    ['429 over the bound', new TelegramApiError('sendMessage', 429, 'Too Many Requests: retry after 90', {retry_after: 90}), 'later'],
    ['anything unexpected', new Error('boom'), 'later'],
    ['403 blocked', new TelegramApiError('sendMessage', 403, 'Forbidden: bot was blocked by the user'), 'chat-refused'],
    ['400 chat not found', new TelegramApiError('sendMessage', 400, 'Bad Request: chat not found'), 'chat-refused'],
    ['400 bad HTML', new TelegramApiError('sendMessage', 400, "Bad Request: can't parse entities"), 'chat-refused'],
    ['401 wrong token', new TelegramApiError('sendMessage', 401, 'Unauthorized'), 'bot-refused'],
    ['404 bad method path', new TelegramApiError('sendMessage', 404, 'Not Found'), 'bot-refused'],
    ['our own config', new UserError('the Bot API root must be an http(s) URL, got "x"'), 'bot-refused'],
  ])('%s is %s', (_label, error, kind) => {
    expect(failureKind(describeFailure(error))).toBe(kind)
  })
})
