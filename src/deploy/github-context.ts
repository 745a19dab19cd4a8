import {readFileSync} from 'node:fs'

import type {Env} from '../config/index.js'
import {UserError} from '../user-error.js'
import {type DeployContext, envText, firstLine, type GitRef, parseGitRef, positiveInteger} from './context.js'

/**
 * The run as GitHub Actions describes it, in the shape of `@actions/github`'s `context`. Both doors build it from the
 * `GITHUB_*` variables with `githubRunFromEnv`: the toolkit's context parses the event file at import, where a bad
 * file can only be a stack trace.
 */
export interface GitHubRun {
  /** The webhook event (`GITHUB_EVENT_PATH`). */
  payload: Record<string, unknown>
  eventName?: string
  sha?: string
  ref?: string
  workflow?: string
  actor?: string
  runId?: number
  runNumber?: number
  runAttempt?: number
  /** @default https://github.com */
  serverUrl?: string
}

type Json = Record<string, unknown>

const object = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined)

/** Reads what `@actions/github`'s context reads: the `GITHUB_*` variables and the event file. */
export function githubRunFromEnv(env: Env): GitHubRun {
  const eventPath = envText(env, 'GITHUB_EVENT_PATH')
  let payload: Json = {}
  if (eventPath) {
    let raw: string | undefined
    try {
      raw = readFileSync(eventPath, 'utf8')
    } catch {
      raw = undefined // as @actions/github does: a missing event file means an empty payload
    }
    if (raw !== undefined) payload = parseEvent(raw, eventPath)
  }
  return {
    payload,
    eventName: envText(env, 'GITHUB_EVENT_NAME'),
    sha: envText(env, 'GITHUB_SHA'),
    ref: envText(env, 'GITHUB_REF'),
    workflow: envText(env, 'GITHUB_WORKFLOW'),
    actor: envText(env, 'GITHUB_ACTOR'),
    runId: positiveInteger(env.GITHUB_RUN_ID),
    runNumber: positiveInteger(env.GITHUB_RUN_NUMBER),
    runAttempt: positiveInteger(env.GITHUB_RUN_ATTEMPT),
    serverUrl: envText(env, 'GITHUB_SERVER_URL'),
  }
}

/** The event file's JSON object; anything else is one line naming GITHUB_EVENT_PATH (the runner writes an object). */
function parseEvent(raw: string, eventPath: string): Json {
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    throw new UserError(`GITHUB_EVENT_PATH: ${eventPath} is not valid JSON`)
  }
  const payload = object(json)
  if (payload) return payload
  const what = json === null ? 'null' : Array.isArray(json) ? 'an array' : `a ${typeof json}`
  throw new UserError(`GITHUB_EVENT_PATH: ${eventPath} holds ${what}, not an event object`)
}

/** What the event adds to the variables: the commit title, the pull request, the real head commit and branch. */
interface EventFacts {
  sha?: string
  /** A ref was deleted: no commit went anywhere, and GITHUB_SHA is the default branch's tip, not this ref's. */
  noCommit?: boolean
  ref?: GitRef
  commitTitle?: string
  pullRequest?: {number: number; url?: string; title?: string}
  environment?: string
}

function eventFacts(payload: Json, eventName: string | undefined): EventFacts {
  if (payload.deleted === true) return {noCommit: true}
  // A delete event runs on the default branch (GITHUB_REF): the ref it is about is in the payload.
  const refType = payload.ref_type
  if (eventName === 'delete' && typeof payload.ref === 'string' && (refType === 'branch' || refType === 'tag')) {
    return {noCommit: true, ref: {kind: refType, name: payload.ref}}
  }
  const pullRequest = object(payload.pull_request)
  if (pullRequest) {
    const head = object(pullRequest.head)
    const number = positiveInteger(pullRequest.number ?? payload.number)
    const branch = text(head?.ref)
    return {
      // GITHUB_SHA is the merge GitHub made for the run; the head commit is the one people know.
      sha: text(head?.sha),
      ref: branch ? {kind: 'branch', name: branch} : undefined,
      pullRequest: number ? {number, url: text(pullRequest.html_url), title: text(pullRequest.title)} : undefined,
    }
  }
  const deployment = object(payload.deployment)
  if (deployment) {
    return {sha: text(deployment.sha), environment: text(deployment.environment)}
  }
  const workflowRun = object(payload.workflow_run)
  if (workflowRun) {
    const branch = text(workflowRun.head_branch)
    return {
      sha: text(workflowRun.head_sha),
      ref: branch ? {kind: 'branch', name: branch} : undefined,
      commitTitle: firstLine(object(workflowRun.head_commit)?.message),
    }
  }
  // push: the head commit; other events carry no commit message.
  return {commitTitle: firstLine(object(payload.head_commit)?.message)}
}

/** The deploy context of a GitHub Actions run. */
export function deployContextFromGitHub(run: GitHubRun, env: Env): DeployContext {
  const serverUrl = (run.serverUrl ?? 'https://github.com').replace(/\/+$/, '')
  const repository = envText(env, 'GITHUB_REPOSITORY') ?? text(object(run.payload.repository)?.full_name)
  const facts = eventFacts(run.payload, run.eventName)
  const sha = facts.noCommit ? undefined : (facts.sha ?? run.sha)
  const runId = Number.isSafeInteger(run.runId) && run.runId! > 0 ? String(run.runId) : undefined
  const repoUrl = repository ? `${serverUrl}/${repository}` : undefined
  let runUrl = repoUrl && runId ? `${repoUrl}/actions/runs/${runId}` : undefined
  if (runUrl && run.runAttempt && run.runAttempt > 1) runUrl += `/attempts/${run.runAttempt}`
  const pullRequest = facts.pullRequest && {
    ...facts.pullRequest,
    label: `#${facts.pullRequest.number}`,
    url: facts.pullRequest.url ?? (repoUrl ? `${repoUrl}/pull/${facts.pullRequest.number}` : undefined),
  }
  return {
    provider: 'github',
    repository,
    ref: facts.ref ?? parseGitRef(run.ref),
    sha,
    commitUrl: repoUrl && sha ? `${repoUrl}/commit/${sha}` : undefined,
    commitTitle: facts.commitTitle,
    actor: text(run.actor) ?? text(object(run.payload.sender)?.login),
    workflow: text(run.workflow),
    runNumber: Number.isSafeInteger(run.runNumber) && run.runNumber! > 0 ? run.runNumber : undefined,
    runUrl,
    runId,
    pullRequest,
    environment: facts.environment,
  }
}
