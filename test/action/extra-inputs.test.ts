// The inputs people reach for in Telegram actions: a file or screenshot after the notice, link previews, protected
// content, and a dry run that shows what would go where.
import {createHash, randomBytes} from 'node:crypto'
import {mkdirSync, readFileSync, truncateSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {callsOf, DEPLOY_BOT, FIXTURES, githubEnv, ON_CALL, OPS_FORUM, useActionJob} from './fixture.js'
import {workflowCommands} from '../helpers/runner-commands.js'

const job = useActionJob('push')
const bothChats = {token: DEPLOY_BOT.token, 'chat-ids': `${OPS_FORUM.id},${ON_CALL.id}`, environment: 'production'}

/** A file in the workspace, like a build step leaves one. */
function workspaceFile(path: string, bytes: Buffer): string {
  mkdirSync(join(job.workspace, path, '..'), {recursive: true})
  writeFileSync(join(job.workspace, path), bytes)
  return createHash('sha256').update(bytes).digest('hex')
}

const replyTo = (params: Record<string, unknown>) => {
  const value = params.reply_parameters
  return typeof value === 'string' ? JSON.parse(value) : value
}

describe('document and photo', () => {
  it('document: a reply to the notice in every chat, uploaded once, then sent by file_id', async () => {
    const sha256 = workspaceFile('dist/release-notes.pdf', randomBytes(48_000))
    const result = await job.step({...bothChats, status: 'success', document: 'dist/release-notes.pdf'})
    expect(result.exitCode).toBe(0)

    const documents = callsOf(job.api, 'sendDocument')
    expect(documents).toHaveLength(2)
    const [upload, byId] = documents
    expect(upload!.params.chat_id).toBe(String(OPS_FORUM.id))
    expect(upload!.files.map((file) => [file.field, file.name, file.size, file.sha256])).toEqual([['document', 'release-notes.pdf', 48_000, sha256]])
    expect(replyTo(upload!.params)).toEqual({message_id: 1, allow_sending_without_reply: true})
    // The second chat gets the same file by the id Telegram gave the upload: the bytes cross the network once.
    const fileId = job.api.messages(OPS_FORUM.id)[1]!.document!.file_id
    expect(byId!.files).toEqual([])
    expect(byId!.params).toMatchObject({chat_id: ON_CALL.id, document: fileId})
    expect(replyTo(byId!.params)).toEqual({message_id: 1, allow_sending_without_reply: true})
    for (const chat of [OPS_FORUM, ON_CALL]) {
      expect(job.api.messages(chat.id).map((message) => (message.document ? `document ${message.document.file_name}` : message.text!.split('\n')[0]))).toEqual([
        '✅ Deployed fastpay/fastpay-api to production',
        'document release-notes.pdf',
      ])
    }
    // The outputs point at the notice, not at the file.
    expect(result.outputs['message-ids']).toBe(`${OPS_FORUM.id}:1,${ON_CALL.id}:1`)
  })

  it('photo: a screenshot as a reply, once per chat, the second by file_id', async () => {
    workspaceFile('screenshots/checkout.png', randomBytes(20_000))
    await job.step({...bothChats, status: 'started'})
    const result = await job.step({...bothChats, status: 'failure', photo: 'screenshots/checkout.png'})
    expect(result.exitCode).toBe(0)
    const photos = callsOf(job.api, 'sendPhoto')
    expect(photos.map((request) => [request.params.chat_id, request.files.length, replyTo(request.params).message_id])).toEqual([
      [String(OPS_FORUM.id), 1, 1],
      [ON_CALL.id, 0, 1],
    ])
    const largest = job.api.messages(OPS_FORUM.id).find((message) => message.photo)!.photo!.at(-1)!.file_id
    expect(photos[1]!.params.photo).toBe(largest)
  })
})

describe('a file Telegram would refuse', () => {
  it('an empty log and a 60 MB artifact: the notice goes, each file is one warning, and no byte of either is uploaded', async () => {
    workspaceFile('deploy.log', Buffer.alloc(0))
    workspaceFile('dist/bundle.tar', Buffer.alloc(0))
    truncateSync(join(job.workspace, 'dist/bundle.tar'), 60_000_000)
    const failure = await job.step({...bothChats, status: 'failure', document: 'deploy.log'})
    const success = await job.step({...bothChats, status: 'success', photo: 'dist/bundle.tar'})

    expect([failure.exitCode, success.exitCode]).toEqual([0, 0])
    expect(failure.stdout.split('\n').slice(1, 2)).toEqual(['::warning::input document deploy.log is empty: not sent (Telegram refuses empty files)'])
    expect(success.stdout.split('\n').slice(1, 2)).toEqual([
      "::warning::input photo dist/bundle.tar is larger than 50,000,000 bytes, Telegram's upload limit for bots (a local Bot API server takes more: raise max-bytes): not sent",
    ])
    expect([...callsOf(job.api, 'sendDocument'), ...callsOf(job.api, 'sendPhoto')]).toEqual([])
    expect(job.api.messages(ON_CALL.id).map((message) => message.text!.split('\n')[0])).toEqual(['✅ Deployed fastpay/fastpay-api to production'])
  })

  it('a 12 MB screenshot as photo: over Telegram\'s 10 MB photo limit, one warning, the notice goes, nothing uploaded', async () => {
    workspaceFile('screenshots/checkout.png', Buffer.alloc(0))
    truncateSync(join(job.workspace, 'screenshots/checkout.png'), 12_000_000)
    const result = await job.step({...bothChats, status: 'failure', photo: 'screenshots/checkout.png'})
    expect(result.exitCode).toBe(0)
    expect(result.stdout.split('\n').filter((line) => line.startsWith('::warning::'))).toEqual([
      "::warning::input photo screenshots/checkout.png is larger than 10,000,000 bytes, Telegram's limit for photos: not sent (a document may be up to 50,000,000 bytes)",
    ])
    expect(callsOf(job.api, 'sendPhoto')).toEqual([])
    expect(job.api.messages(ON_CALL.id).map((message) => message.text!.split('\n')[0])).toEqual(['❌ Deploy of fastpay/fastpay-api to production failed'])
  })

  it('max-bytes: a local Bot API server takes more than 50,000,000 bytes; a lower limit leaves a file out', async () => {
    workspaceFile('dist/bundle.tar', Buffer.alloc(0))
    truncateSync(join(job.workspace, 'dist/bundle.tar'), 51_000_000)
    workspaceFile('deploy.log', Buffer.alloc(2000, 'x'))
    const raised = await job.step({...bothChats, 'chat-ids': String(ON_CALL.id), status: 'success', document: 'dist/bundle.tar', 'max-bytes': '52000000'})
    const lowered = await job.step({...bothChats, 'chat-ids': String(ON_CALL.id), status: 'failure', document: 'deploy.log', 'max-bytes': '1000'})

    expect([raised.exitCode, lowered.exitCode]).toEqual([0, 0])
    expect(raised.stdout).not.toContain('::warning::')
    expect(job.api.messages(ON_CALL.id).filter((message) => message.document).map((message) => message.document!.file_size)).toEqual([51_000_000])
    expect(lowered.stdout.split('\n').filter((line) => line.startsWith('::warning::'))).toEqual(['::warning::input document deploy.log is larger than 1,000 bytes: not sent'])
    expect(callsOf(job.api, 'sendDocument')).toHaveLength(1)
  })

  it('max-bytes that is not a number of bytes is an input error', async () => {
    const result = await job.step({...bothChats, status: 'success', 'max-bytes': '50MB'})
    expect(result.exitCode).toBe(1)
    expect(result.stdout.split('\n').slice(1)).toEqual(['::error::input max-bytes: expected a number of bytes above 0, got "50MB"'])
    expect(job.api.requests).toEqual([])
  })

  it('a directory is an input error, like a missing file', async () => {
    mkdirSync(join(job.workspace, 'dist'))
    const result = await job.step({...bothChats, status: 'success', document: 'dist'})
    expect(result.exitCode).toBe(1)
    expect(result.stdout.split('\n').slice(1)).toEqual(['::error::input document: cannot read "dist" (EISDIR)'])
    expect(job.api.requests).toEqual([])
  })
})

describe('link-preview and protect-content', () => {
  it('link previews are off by default, on with link-preview: true', async () => {
    await job.step({...bothChats, 'chat-ids': String(ON_CALL.id), status: 'started', 'link-preview': 'true'})
    await job.step({...bothChats, 'chat-ids': String(ON_CALL.id), status: 'started', environment: 'staging'})
    const [withPreview, without] = callsOf(job.api, 'sendMessage')
    expect(withPreview!.params).not.toHaveProperty('link_preview_options')
    expect(without!.params.link_preview_options).toEqual({is_disabled: true})
  })

  it('protect-content: true protects the notice, the reply that pings, and the file', async () => {
    workspaceFile('build.log', Buffer.from('ok\n'))
    const protect = {...bothChats, 'chat-ids': String(ON_CALL.id), 'protect-content': 'true'}
    await job.step({...protect, status: 'started'})
    await job.step({...protect, status: 'failure', document: 'build.log'})
    expect(job.api.requests.map((request) => [request.method, String(request.params.protect_content ?? 'unset')])).toEqual([
      ['sendMessage', 'true'],
      ['editMessageText', 'unset'],
      ['sendMessage', 'true'],
      ['sendDocument', 'true'],
    ])
  })
})

describe('dry-run', () => {
  it('prints the notice and its chats, sends nothing, leaves the outputs empty', async () => {
    const result = await job.step({...bothChats, status: 'success', 'dry-run': 'true'})
    expect(result.exitCode).toBe(0)
    expect(job.api.requests).toEqual([])
    const resume = /::stop-commands::(\S+)/.exec(result.stdout)?.[1]
    expect(result.stdout.split('\n').slice(1)).toEqual([
      `dry run: nothing sent; the notice (success) would go to ${OPS_FORUM.id}, ${ON_CALL.id}:`,
      `::stop-commands::${resume}`,
      '  ✅ <b>Deployed fastpay/fastpay-api to production</b>',
      '  <b>branch</b>: <code>main</code>',
      '  <b>commit</b>: <a href="https://github.com/fastpay/fastpay-api/commit/9f3c2d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e">9f3c2d1</a> Round refunds &lt; 1¢ half-even &amp; log &lt;rate&gt; (#128)',
      '  <b>by</b>: ana-oncall',
      '  <b>run</b>: <a href="https://github.com/fastpay/fastpay-api/actions/runs/9876543210">Deploy #57</a>',
      `::${resume}::`,
    ])
    expect(result.outputs).toEqual({status: 'success', 'message-ids': '', 'chat-ids': ''})
    expect(result.summary).toBe(`🧪 Telegram deploy notice (success, production): dry run, would go to ${OPS_FORUM.id}, ${ON_CALL.id}.\n`)
  })

  it("a fork's pull request title written as workflow commands stays text: the runner carries out none of them", async () => {
    const event = JSON.parse(readFileSync(join(FIXTURES, 'pull_request_fork.json'), 'utf8')) as {pull_request: {title: string}}
    event.pull_request.title = 'Fix typo ##[error]Production credentials leaked'
    const eventPath = join(job.workspace, '..', 'event.json')
    writeFileSync(eventPath, JSON.stringify(event))
    const fork = {...githubEnv('pull_request_fork'), GITHUB_EVENT_PATH: eventPath}
    // As the README's preview workflow runs for forks: no token, dry-run; a template line may start with the title.
    const result = await job.step({'chat-ids': String(ON_CALL.id), status: 'started', 'dry-run': 'true', template: '{{pr_title}}\n::warning::{{pr}}'}, fork)

    expect(result.exitCode).toBe(0)
    const notice = ['  Fix typo ##[error]Production credentials leaked', '  ::warning::#57']
    expect(result.stdout).toContain(notice.join('\n'))
    // Commands stop before the notice and resume after it, with a token the notice does not hold.
    const [stop, ...rest] = workflowCommands(result.stdout)
    expect(stop?.name).toBe('stop-commands')
    expect(rest).toEqual([{name: stop!.data, data: ''}])
    expect(result.stdout.indexOf(notice[0]!)).toBeGreaterThan(result.stdout.indexOf(`::stop-commands::${stop!.data}`))
  })

  it('needs no token (try a workflow before adding the secret), and a later real step does not edit anything it did not send', async () => {
    const dry = await job.step({'chat-ids': String(ON_CALL.id), status: 'started', 'dry-run': 'true', template: '{{icon}} {{title}}'})
    expect(dry.exitCode).toBe(0)
    expect(dry.stdout.split('\n').filter((line) => !line.startsWith('::'))).toEqual([
      `dry run: nothing sent; the notice (started) would go to ${ON_CALL.id}:`,
      '  🚀 Deploying fastpay/fastpay-api',
    ])
    const real = await job.step({token: DEPLOY_BOT.token, 'chat-ids': String(ON_CALL.id), status: 'success'})
    expect(real.exitCode).toBe(0)
    expect(job.api.requests.map((request) => request.method)).toEqual(['sendMessage'])
  })
})
