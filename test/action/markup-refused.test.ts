// A `message` written in HTML (the default parse-mode) with a commit message pasted in, the way curl deploy scripts
// built their text: one stray `<` in it and Telegram refuses the whole message ("can't parse entities"). The words
// matter more than their formatting, as for alerts: the notice goes as plain text, with one warning.
import {describe, expect, it} from 'vitest'

import {callsOf, DEPLOY_BOT, ON_CALL, useActionJob} from './fixture.js'

const job = useActionJob('push')
const notice = {token: DEPLOY_BOT.token, 'chat-ids': String(ON_CALL.id), environment: 'production'}
// What `message: "🚀 <b>Deploying</b> ${{ github.event.head_commit.message }}"` gives for such a commit.
const MESSAGE = '🚀 <b>Deploying</b> fix <Button> when total < 1 & retry'

describe('a message whose HTML Telegram refuses', () => {
  it('started goes as plain text with one warning; success edits that message the same way: one message', async () => {
    const started = await job.step({...notice, status: 'started', message: MESSAGE})
    expect(started.exitCode).toBe(0)
    expect(started.outputs['message-ids']).toBe(`${ON_CALL.id}:1`)
    expect(started.stdout).toContain(
      `::warning::chat ${ON_CALL.id}: Telegram refused the notice's HTML (can't parse entities: Unsupported start tag "button" at byte offset 26): sent as plain text\n`,
    )
    const success = await job.step({...notice, status: 'success', message: MESSAGE.replace('Deploying', 'Deployed')})
    expect(success.outputs['message-ids']).toBe(`${ON_CALL.id}:1`)

    expect(callsOf(job.api, 'sendMessage').map((request) => [request.status, request.params.parse_mode])).toEqual([
      [400, 'HTML'],
      [200, undefined],
    ])
    expect(job.api.messages(ON_CALL.id).map((message) => message.text)).toEqual(['🚀 Deployed fix  when total < 1 & retry'])
  })

  it('parse-mode none sends it as written, no warning', async () => {
    const result = await job.step({...notice, status: 'started', message: MESSAGE, 'parse-mode': 'none'})
    expect(result.stdout).not.toContain('::warning::')
    expect(job.api.messages(ON_CALL.id).map((message) => message.text)).toEqual([MESSAGE])
  })
})
