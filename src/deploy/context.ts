/**
 * What a deploy notice says about the run it comes from, read from the CI's environment (GitHub Actions, GitLab CI)
 * or from flags. Every field is plain text and may be missing: the message leaves out what is not known.
 */
export interface DeployContext {
  /** Which CI this came from. */
  provider: 'github' | 'gitlab' | 'none'
  /** `owner/name` on GitHub, `group/project` on GitLab. */
  repository?: string
  ref?: GitRef
  /** The full commit SHA. */
  sha?: string
  commitUrl?: string
  /** The first line of the commit message. */
  commitTitle?: string
  actor?: string
  /** The workflow's name (GitHub) or the pipeline's (GitLab). */
  workflow?: string
  /** `57` of `Deploy #57`: GitHub's run number, GitLab's pipeline iid. */
  runNumber?: number
  runUrl?: string
  /** Identifies the run for the state file: GitHub's run id, GitLab's pipeline id. */
  runId?: string
  pullRequest?: PullRequest
  /** The environment the CI names (GitLab's `CI_ENVIRONMENT_NAME`, a GitHub deployment event's), if any. */
  environment?: string
}

export interface GitRef {
  kind: 'branch' | 'tag' | 'ref'
  name: string
}

export interface PullRequest {
  number: number
  /** `#42` on GitHub, `!42` (a merge request) on GitLab. */
  label: string
  url?: string
  title?: string
}

/** `refs/heads/main` → branch main, `refs/tags/v1.2.0` → tag v1.2.0; anything else is kept as a ref. */
export function parseGitRef(ref: string | undefined): GitRef | undefined {
  if (!ref) return undefined
  if (ref.startsWith('refs/heads/')) return {kind: 'branch', name: ref.slice('refs/heads/'.length)}
  if (ref.startsWith('refs/tags/')) return {kind: 'tag', name: ref.slice('refs/tags/'.length)}
  return {kind: 'ref', name: ref}
}

/** The first line of a commit message, trimmed; undefined when there is none. */
export function firstLine(message: unknown): string | undefined {
  if (typeof message !== 'string') return undefined
  const line = message.split('\n', 1)[0]!.trim()
  return line === '' ? undefined : line
}

/** A value from the environment, undefined when unset or blank. */
export function envText(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name]?.trim()
  return value ? value : undefined
}

/** A positive integer from text or a number, else undefined. */
export function positiveInteger(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value
  return typeof number === 'number' && Number.isSafeInteger(number) && number > 0 ? number : undefined
}
