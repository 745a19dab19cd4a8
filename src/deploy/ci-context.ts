import type {Env} from '../config/index.js'
import {type DeployContext, parseGitRef} from './context.js'
import {deployContextFromGitHub, githubRunFromEnv} from './github-context.js'
import {deployContextFromGitLab} from './gitlab-context.js'

/** What a shell script may say about its deploy when no CI does, or to correct what the CI says. */
export interface ContextOverrides {
  repository?: string
  /** `main`, `refs/heads/main` or `refs/tags/v1.2.0`; a bare name is shown as a ref. */
  ref?: string
  sha?: string
  actor?: string
  /** Identifies the run for the state file, so `started` and a later status share one message. */
  runId?: string
}

/** The deploy context for the CLI: GitHub Actions' or GitLab CI's variables where present, then the overrides. */
export function deployContextFromEnv(env: Env, overrides: ContextOverrides = {}): DeployContext {
  let context: DeployContext = {provider: 'none'}
  if (env.GITHUB_ACTIONS === 'true') context = deployContextFromGitHub(githubRunFromEnv(env), env)
  else if (env.GITLAB_CI === 'true') context = deployContextFromGitLab(env)
  const ref = overrides.ref === undefined ? undefined : parseGitRef(overrides.ref)
  const sha = overrides.sha ?? context.sha
  return {
    ...context,
    repository: overrides.repository ?? context.repository,
    ref: ref ?? context.ref,
    sha,
    // A commit link for another commit would mislead: drop it when the SHA was overridden.
    commitUrl: overrides.sha === undefined || overrides.sha === context.sha ? context.commitUrl : undefined,
    commitTitle: overrides.sha === undefined || overrides.sha === context.sha ? context.commitTitle : undefined,
    actor: overrides.actor ?? context.actor,
    runId: overrides.runId ?? context.runId,
  }
}
