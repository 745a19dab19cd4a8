import type {Env} from '../config/index.js'
import {type DeployContext, envText, type GitRef, positiveInteger} from './context.js'

/** The deploy context of a GitLab CI job, from its predefined `CI_*` variables. */
export function deployContextFromGitLab(env: Env): DeployContext {
  const projectUrl = envText(env, 'CI_PROJECT_URL')?.replace(/\/+$/, '')
  const sha = envText(env, 'CI_COMMIT_SHA')
  const tag = envText(env, 'CI_COMMIT_TAG')
  const branch = envText(env, 'CI_COMMIT_BRANCH') ?? envText(env, 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME')
  const refName = envText(env, 'CI_COMMIT_REF_NAME')
  let ref: GitRef | undefined
  if (tag) ref = {kind: 'tag', name: tag}
  else if (branch) ref = {kind: 'branch', name: branch}
  else if (refName) ref = {kind: 'ref', name: refName}
  const mergeRequest = positiveInteger(env.CI_MERGE_REQUEST_IID)
  const mergeRequestProject = envText(env, 'CI_MERGE_REQUEST_PROJECT_URL')?.replace(/\/+$/, '') ?? projectUrl
  return {
    provider: 'gitlab',
    repository: envText(env, 'CI_PROJECT_PATH'),
    ref,
    sha,
    commitUrl: projectUrl && sha ? `${projectUrl}/-/commit/${sha}` : undefined,
    commitTitle: envText(env, 'CI_COMMIT_TITLE'),
    actor: envText(env, 'GITLAB_USER_LOGIN'),
    workflow: envText(env, 'CI_PIPELINE_NAME') ?? 'pipeline',
    runNumber: positiveInteger(env.CI_PIPELINE_IID),
    runUrl: envText(env, 'CI_PIPELINE_URL'),
    runId: envText(env, 'CI_PIPELINE_ID'),
    pullRequest: mergeRequest
      ? {
          number: mergeRequest,
          label: `!${mergeRequest}`,
          url: mergeRequestProject ? `${mergeRequestProject}/-/merge_requests/${mergeRequest}` : undefined,
          title: envText(env, 'CI_MERGE_REQUEST_TITLE'),
        }
      : undefined,
    environment: envText(env, 'CI_ENVIRONMENT_NAME'),
  }
}
