// The run a notice describes, as read from GitHub Actions (the @actions/github context shape, or the GITHUB_*
// variables) and GitLab CI (CI_* variables), with what a script's flags override.
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {deployContextFromEnv, deployContextFromGitHub, deployContextFromGitLab, type GitHubRun, githubRunFromEnv} from '../../src/deploy/index.js'
import {FIXTURES, githubEnv} from '../action/fixture.js'

/** The message of what `run` throws, to compare whole (toThrow(string) only looks for a part). */
function thrownMessage(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('nothing was thrown')
}

const payload = (event: string) => JSON.parse(readFileSync(join(FIXTURES, `${event}.json`), 'utf8')) as Record<string, unknown>

function run(overrides: Partial<GitHubRun> = {}): GitHubRun {
  return {
    payload: payload('push'),
    eventName: 'push',
    sha: '9f3c2d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e',
    ref: 'refs/heads/main',
    workflow: 'Deploy',
    actor: 'ana-oncall',
    runId: 9876543210,
    runNumber: 57,
    runAttempt: 1,
    serverUrl: 'https://github.com',
    ...overrides,
  }
}

describe('GitHub Actions', () => {
  it('push: the head commit title, the branch, links to the commit and the run', () => {
    expect(deployContextFromGitHub(run(), {GITHUB_REPOSITORY: 'fastpay/fastpay-api'})).toEqual({
      provider: 'github',
      repository: 'fastpay/fastpay-api',
      ref: {kind: 'branch', name: 'main'},
      sha: '9f3c2d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e',
      commitUrl: 'https://github.com/fastpay/fastpay-api/commit/9f3c2d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e',
      commitTitle: 'Round refunds < 1¢ half-even & log <rate> (#128)',
      actor: 'ana-oncall',
      workflow: 'Deploy',
      runNumber: 57,
      runUrl: 'https://github.com/fastpay/fastpay-api/actions/runs/9876543210',
      runId: '9876543210',
      pullRequest: undefined,
      environment: undefined,
    })
  })

  it('pull_request: the head commit and branch, not the merge GitHub made; the repository from the payload', () => {
    const context = deployContextFromGitHub(
      run({payload: payload('pull_request'), eventName: 'pull_request', sha: 'c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3', ref: 'refs/pull/42/merge'}),
      {},
    )
    expect(context).toMatchObject({
      repository: 'fastpay/fastpay-api',
      ref: {kind: 'branch', name: 'feature/wallet-3ds'},
      sha: '7e1a9b3c5d7f9e1a3b5c7d9f1e3a5b7c9d1f3e5a',
      commitTitle: undefined,
      pullRequest: {number: 42, label: '#42', url: 'https://github.com/fastpay/fastpay-api/pull/42', title: 'Wallet top-ups: <3-D Secure> & retries'},
    })
  })

  it('a tag push, a re-run attempt, a deployment event naming the environment, GitHub Enterprise', () => {
    const context = deployContextFromGitHub(
      run({
        payload: {deployment: {sha: 'aaaaaaa1111111', environment: 'production-eu'}},
        ref: 'refs/tags/v2.4.1',
        runAttempt: 2,
        serverUrl: 'https://github.fastpay.example/',
      }),
      {GITHUB_REPOSITORY: 'payments/api'},
    )
    expect(context).toMatchObject({
      ref: {kind: 'tag', name: 'v2.4.1'},
      sha: 'aaaaaaa1111111',
      commitUrl: 'https://github.fastpay.example/payments/api/commit/aaaaaaa1111111',
      runUrl: 'https://github.fastpay.example/payments/api/actions/runs/9876543210/attempts/2',
      environment: 'production-eu',
    })
  })

  it('a branch deleted (a push with deleted: true, or a delete event): that branch, and no commit, not the default branch tip', () => {
    const mainTip = '7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b'
    const pushed = {...payload('push'), ref: 'refs/heads/preview-42', deleted: true, head_commit: null, commits: [], after: '0'.repeat(40)}
    // GitHub sets GITHUB_SHA to the default branch's tip when a branch is deleted; a delete event's GITHUB_REF is the default branch.
    const viaPush = deployContextFromGitHub(run({payload: pushed, sha: mainTip, ref: 'refs/heads/preview-42'}), {GITHUB_REPOSITORY: 'fastpay/fastpay-api'})
    const viaDelete = deployContextFromGitHub(
      run({payload: {ref: 'preview-42', ref_type: 'branch', pusher_type: 'user', repository: payload('push').repository}, eventName: 'delete', sha: mainTip, ref: 'refs/heads/main'}),
      {GITHUB_REPOSITORY: 'fastpay/fastpay-api'},
    )
    for (const context of [viaPush, viaDelete]) {
      expect(context).toMatchObject({ref: {kind: 'branch', name: 'preview-42'}, sha: undefined, commitUrl: undefined, commitTitle: undefined})
    }
  })

  it('the CLI reads the same from the GITHUB_* variables and the event file, without @actions/github', () => {
    const env = githubEnv('push')
    expect(deployContextFromEnv(env)).toEqual(deployContextFromGitHub(run(), env))
    expect(githubRunFromEnv(env)).toEqual(run())
  })

  it('an event file that is not JSON, or not an object, is one clear line', () => {
    const path = join(tmpdir(), `fastpay-tg-event-${process.pid}.json`)
    writeFileSync(path, '{"ref": ')
    try {
      expect(thrownMessage(() => githubRunFromEnv({GITHUB_EVENT_PATH: path}))).toBe(`GITHUB_EVENT_PATH: ${path} is not valid JSON`)
      writeFileSync(path, 'null')
      expect(thrownMessage(() => githubRunFromEnv({GITHUB_EVENT_PATH: path}))).toBe(`GITHUB_EVENT_PATH: ${path} holds null, not an event object`)
      writeFileSync(path, '"push"')
      expect(thrownMessage(() => githubRunFromEnv({GITHUB_EVENT_PATH: path}))).toBe(`GITHUB_EVENT_PATH: ${path} holds a string, not an event object`)
    } finally {
      rmSync(path, {force: true})
    }
  })
})

describe('GitLab CI', () => {
  it('a merge request pipeline: the MR with its title, the environment, the pipeline', () => {
    const context = deployContextFromGitLab({
      CI_PROJECT_PATH: 'fastpay/payments-api',
      CI_PROJECT_URL: 'https://gitlab.example.com/fastpay/payments-api',
      CI_COMMIT_SHA: '4b8d2f6a0c4e8b2d6f0a4c8e2b6d0f4a8c2e6b0d',
      CI_COMMIT_REF_NAME: 'feature/batch-payouts',
      CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/batch-payouts',
      CI_MERGE_REQUEST_IID: '17',
      CI_MERGE_REQUEST_TITLE: 'Batch payouts',
      CI_PIPELINE_ID: '1184467',
      CI_PIPELINE_IID: '812',
      CI_PIPELINE_URL: 'https://gitlab.example.com/fastpay/payments-api/-/pipelines/1184467',
      CI_ENVIRONMENT_NAME: 'review/batch-payouts',
    })
    expect(context).toMatchObject({
      provider: 'gitlab',
      ref: {kind: 'branch', name: 'feature/batch-payouts'},
      commitUrl: 'https://gitlab.example.com/fastpay/payments-api/-/commit/4b8d2f6a0c4e8b2d6f0a4c8e2b6d0f4a8c2e6b0d',
      pullRequest: {number: 17, label: '!17', url: 'https://gitlab.example.com/fastpay/payments-api/-/merge_requests/17', title: 'Batch payouts'},
      workflow: 'pipeline',
      runNumber: 812,
      runId: '1184467',
      environment: 'review/batch-payouts',
    })
  })
})

describe('flags over the CI', () => {
  it('another --sha drops the CI commit link and title, which describe a different commit', () => {
    const context = deployContextFromEnv(githubEnv('push'), {sha: '0123456789abcdef', ref: 'release', repository: 'fastpay/other', runId: '7'})
    expect(context).toMatchObject({
      repository: 'fastpay/other',
      ref: {kind: 'ref', name: 'release'},
      sha: '0123456789abcdef',
      commitUrl: undefined,
      commitTitle: undefined,
      runId: '7',
    })
  })

  it('outside any CI only the flags are known', () => {
    expect(deployContextFromEnv({PATH: '/usr/bin'}, {actor: 'ops'})).toEqual({provider: 'none', actor: 'ops', repository: undefined, ref: undefined, sha: undefined, commitUrl: undefined, commitTitle: undefined, runId: undefined})
  })
})
