// Runs the bundled Action (dist/action/, built by `npm test`) the way the runner does: a child process with
// INPUT_* variables (upper-cased, hyphens kept), GITHUB_* variables, an event payload file, and GITHUB_OUTPUT /
// GITHUB_STEP_SUMMARY files, against a fake Bot API on 127.0.0.1. The bundle is copied into a checkout of its own,
// without node_modules, as the runner has it. One job = one RUNNER_TEMP: the steps of a test share it.
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {afterEach, beforeEach} from 'vitest'

import {spawnCapture} from '../helpers/spawn-capture.js'
import {type FakeBot, type FakeBotApi, type FakeChat, type RecordedRequest, startFakeBotApi} from '../fake-bot-api/server.js'

export const ACTION_DIR = resolve(import.meta.dirname, '../../dist/action')
export const FIXTURES = resolve(import.meta.dirname, 'fixtures')

export const DEPLOY_BOT = {token: '6098765432:AAGm4Tq8Wz1Xc5Vb9Nr3Ke7Lp2Hs6Dj0Fy8', id: 6098765432, username: 'fastpay_deploy_bot'} satisfies FakeBot
export const OPS_FORUM = {id: -1001234567890, type: 'supergroup', title: 'FastPay Ops', is_forum: true} satisfies FakeChat
export const ON_CALL = {id: 4242, type: 'private', first_name: 'Ana'} satisfies FakeChat

/**
 * `rows` chat by chat, OPS_FORUM's before ON_CALL's, each chat's in the order they came: a notice goes to its chats
 * at once, so under load the calls of two chats arrive either way round, while each chat's own order is kept.
 */
export function byChat<T>(rows: T[], chatOf: (row: T) => unknown): T[] {
  const order: unknown[] = [OPS_FORUM.id, ON_CALL.id]
  return [...rows].sort((a, b) => order.indexOf(chatOf(a)) - order.indexOf(chatOf(b)))
}

export const PUSH_SHA = '9f3c2d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e'
export const PR_MERGE_SHA = 'c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3'

/** The events a test job can run for; `pull_request_fork` is a `pull_request` from a fork (a contributor's). */
export type FixtureEvent = 'push' | 'pull_request' | 'pull_request_fork' | 'deployment_status'

/** The variables a runner sets for a workflow run of fastpay/fastpay-api, for one of the fixture events. */
export function githubEnv(fixture: FixtureEvent): Record<string, string> {
  const event = fixture === 'pull_request_fork' ? 'pull_request' : fixture
  const pullNumber = fixture === 'pull_request_fork' ? 57 : 42
  return {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: join(FIXTURES, `${fixture}.json`),
    GITHUB_REPOSITORY: 'fastpay/fastpay-api',
    GITHUB_REPOSITORY_OWNER: 'fastpay',
    GITHUB_RUN_ID: '9876543210',
    GITHUB_RUN_NUMBER: '57',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_SHA: event === 'pull_request' ? PR_MERGE_SHA : PUSH_SHA,
    GITHUB_REF: event === 'pull_request' ? `refs/pull/${pullNumber}/merge` : 'refs/heads/main',
    GITHUB_ACTOR: {push: 'ana-oncall', pull_request: 'lee-dev', pull_request_fork: 'outside-contrib', deployment_status: 'fastpay-deployer[bot]'}[fixture],
    GITHUB_WORKFLOW: 'Deploy',
    GITHUB_JOB: 'deploy',
    GITHUB_ACTION: '__fastpay_fastpay-tg',
  }
}

export interface StepResult {
  stdout: string
  stderr: string
  exitCode: number
  /** What the step wrote to GITHUB_OUTPUT, parsed. */
  outputs: Record<string, string>
  /** What the step wrote to GITHUB_STEP_SUMMARY. */
  summary: string
}

export interface ActionJob {
  api: FakeBotApi
  /** The job's RUNNER_TEMP (state files live here). */
  runnerTemp: string
  home: string
  /** GITHUB_WORKSPACE, the working directory of every step: where a `config` input's relative path points. */
  workspace: string
  /** Runs one step: `inputs` become INPUT_* variables; `env` adds to (or, with undefined, removes from) the run's. */
  step(inputs: Record<string, string>, env?: Record<string, string | undefined>): Promise<StepResult>
}

/** A fresh fake Bot API and job directory for every test of the file. */
export function useActionJob(event: FixtureEvent = 'push'): ActionJob {
  const job = {} as ActionJob & {root: string}
  beforeEach(async () => {
    job.api = await startFakeBotApi({bots: [DEPLOY_BOT], chats: [OPS_FORUM, ON_CALL]})
    job.root = mkdtempSync(join(tmpdir(), 'fastpay-tg-action-'))
    job.home = join(job.root, 'home')
    job.runnerTemp = join(job.root, 'runner-temp')
    job.workspace = join(job.root, 'workspace')
    const checkout = join(job.root, '_actions', 'fastpay', 'fastpay-tg', 'v1')
    for (const dir of [job.home, job.runnerTemp, job.workspace]) mkdirSync(dir, {recursive: true})
    cpSync(ACTION_DIR, join(checkout, 'dist', 'action'), {recursive: true})
    const action = join(checkout, 'dist', 'action', 'index.js')
    let stepNumber = 0
    job.step = async (inputs, env = {}) => {
      stepNumber++
      const outputFile = join(job.root, `output-${stepNumber}`)
      const summaryFile = join(job.root, `summary-${stepNumber}`)
      writeFileSync(outputFile, '')
      writeFileSync(summaryFile, '')
      const merged: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: job.home,
        RUNNER_TEMP: job.runnerTemp,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_WORKSPACE: job.workspace,
        TELEGRAM_API_BASE_URL: job.api.url,
        // Retries still happen, without the real backoff between them (see backoffFromEnv); 429's retry_after stays.
        FASTPAY_TG_RETRY_BASE_MS: '0',
        // Telegram's limits in a hundredth of the time, as for the CLI (see limitsFromEnv).
        FASTPAY_TG_RATE_TIME_SCALE: '0.01',
        ...githubEnv(event),
      }
      for (const [name, value] of Object.entries(inputs)) merged[`INPUT_${name.toUpperCase()}`] = value
      for (const [name, value] of Object.entries(env)) {
        if (value === undefined) delete merged[name]
        else merged[name] = value
      }
      const result = await spawnCapture(process.execPath, [action], {env: merged, timeoutMs: 60_000, cwd: job.workspace})
      return {
        stdout: result.stdout,
        stderr: result.stderr,
        exitCode: result.exitCode,
        outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
        summary: readFileSync(summaryFile, 'utf8'),
      }
    }
  })
  afterEach(async () => {
    await job.api.close()
    rmSync(job.root, {recursive: true, force: true})
  })
  return job
}

/** Reads GITHUB_OUTPUT's `name<<delimiter` blocks, as the runner does. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let index = 0; index < lines.length; index++) {
    const header = /^([^<=]+)<<(.+)$/.exec(lines[index]!)
    if (header === null) {
      if (lines[index] !== '') throw new Error(`unexpected GITHUB_OUTPUT line: ${lines[index]}`)
      continue
    }
    const [, name, delimiter] = header
    const end = lines.indexOf(delimiter!, index + 1)
    if (end < 0) throw new Error(`GITHUB_OUTPUT: ${name} is not closed`)
    outputs[name!] = lines.slice(index + 1, end).join('\n')
    index = end
  }
  return outputs
}

/** The requests for one method, in arrival order. */
export function callsOf(api: FakeBotApi, method: string): RecordedRequest[] {
  return api.requests.filter((request) => request.method === method)
}

/** The state files the job's steps left in RUNNER_TEMP. */
export function stateFiles(runnerTemp: string): string[] {
  const dir = join(runnerTemp, 'fastpay-tg', 'deploy')
  if (!existsSync(dir)) return []
  return readdirSync(dir).filter((name) => name.endsWith('.json')).map((name) => join(dir, name))
}

/** A loopback API root nothing listens on: connections are refused at once. */
export async function deadApiRoot(): Promise<string> {
  const {createServer} = await import('node:net')
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

/** How many times `secret` appears in `text`. */
export function occurrences(text: string, secret: string): number {
  return text.split(secret).length - 1
}
