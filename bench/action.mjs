// `node bench/action.mjs`: the GitHub Action's wall time, from process start to exit, run as the runner runs it
// (the committed bundle in a checkout without node_modules, INPUT_* and GITHUB_* variables, output files) against
// the fake Bot API on 127.0.0.1. Median of BENCH_RUNS runs (default 20). Target: under 1 s per step.
import {cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {startFakeBotApi} from '../dist/fake-bot-api.js'
import {medianMs} from './measure.mjs'

const TOKEN = '6098765432:AAHbenchTokenForTheFakeApi_0123456789x'
const CHATS = [-1001234567890, 4242]
const runs = Number(process.env.BENCH_RUNS ?? 20)
const TARGET_MS = 1000

const api = await startFakeBotApi({
  bots: [{token: TOKEN, id: 6098765432, username: 'bench_deploy_bot'}],
  chats: [
    {id: CHATS[0], type: 'supergroup', title: 'Bench Ops'},
    {id: CHATS[1], type: 'private', first_name: 'Bench'},
  ],
})
const root = mkdtempSync(join(tmpdir(), 'fastpay-tg-bench-action-'))
const action = join(root, 'checkout', 'dist', 'action', 'index.js')
cpSync('dist/action', join(root, 'checkout', 'dist', 'action'), {recursive: true})
mkdirSync(join(root, 'runner-temp'))
// The runner creates these files before each step; the Action appends to them.
writeFileSync(join(root, 'output'), '')
writeFileSync(join(root, 'summary'), '')
const event = join(root, 'event.json')
writeFileSync(event, JSON.stringify({ref: 'refs/heads/main', head_commit: {id: 'a'.repeat(40), message: 'Bench deploy'}}))

const env = (status) => ({
  PATH: process.env.PATH,
  HOME: root,
  RUNNER_TEMP: join(root, 'runner-temp'),
  GITHUB_OUTPUT: join(root, 'output'),
  GITHUB_STEP_SUMMARY: join(root, 'summary'),
  GITHUB_EVENT_PATH: event,
  GITHUB_EVENT_NAME: 'push',
  GITHUB_REPOSITORY: 'fastpay/fastpay-api',
  GITHUB_RUN_ID: '1',
  GITHUB_RUN_NUMBER: '1',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_SHA: 'a'.repeat(40),
  GITHUB_REF: 'refs/heads/main',
  GITHUB_ACTOR: 'bench',
  GITHUB_WORKFLOW: 'Deploy',
  TELEGRAM_API_BASE_URL: api.url,
  INPUT_STATUS: status,
  INPUT_TOKEN: TOKEN,
  'INPUT_CHAT-IDS': CHATS.join(','),
  INPUT_ENVIRONMENT: 'production',
})

const line = (label, ms) => `${label}: ${ms.toFixed(1)} ms  (target < ${TARGET_MS} ms: ${ms < TARGET_MS ? 'met' : 'MISSED'})`
try {
  console.log(`GitHub Action wall time, process start to exit (median of ${runs} runs, node ${process.version}, ${CHATS.length} chats)`)
  const bare = await medianMs(process.execPath, ['-e', '0'], {runs, env: env('started')})
  console.log(`node -e 0, for scale: ${bare.toFixed(1)} ms`)
  const started = await medianMs(process.execPath, [action], {runs, env: env('started')})
  console.log(line('status started (sendMessage to each chat)', started))
  // Every run edits the message the last `started` left in the state file.
  const success = await medianMs(process.execPath, [action], {runs, env: env('success')})
  console.log(line('status success (editMessageText in place)', success))
  const sends = api.requests.filter((request) => request.method === 'sendMessage' && request.status === 200).length
  const edits = api.requests.filter((request) => request.method === 'editMessageText').length
  console.log(`requests: ${sends} sendMessage accepted, ${edits} editMessageText`)
  if (started >= TARGET_MS || success >= TARGET_MS) process.exitCode = 1
} finally {
  await api.close()
  rmSync(root, {recursive: true, force: true})
}
