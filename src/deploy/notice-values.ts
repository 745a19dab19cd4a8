import type {ParseMode} from '../format/index.js'
import type {DeployContext} from './context.js'
import {formatDuration} from '../support/duration.js'
import {markupFor} from './markup.js'
import {DEPLOY_STATUS_ICONS, type DeployStatus, deployHeadline, replyHeadline} from './status.js'

/** Everything a deploy notice is made from. */
export interface NoticeFacts {
  status: DeployStatus
  environment?: string
  context: DeployContext
  /** Set when `started` was sent earlier in the run. */
  durationMs?: number
}

/** The placeholders a template may use; each is escaped for the parse mode, empty when unknown. */
export const PLACEHOLDERS = [
  'icon',
  'status',
  'title',
  'repository',
  'environment',
  'ref',
  'ref_type',
  'sha',
  'commit_url',
  'commit_title',
  'actor',
  'workflow',
  'run_number',
  'run_url',
  'pr',
  'pr_url',
  'pr_title',
  'duration',
  'details',
] as const

export type Placeholder = (typeof PLACEHOLDERS)[number]

const SHORT_SHA = 7

/**
 * Most characters each field of the run may take, so that the default notice (all of them, with their labels)
 * stays far below Telegram's 4,096: a 7,000-character commit title must not turn one notice into two. Cut before
 * escaping, so a cut never lands inside an entity or escape.
 */
export const FIELD_LIMITS = {name: 100, ref: 200, title: 300} as const

/** `value` cut to `max` characters (code points), the last one `…` when cut. */
export function clip(value: string, max: number): string {
  const chars = [...value]
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('').trimEnd()}…`
}

/** The run's facts with every free-text field clipped to its limit. */
function clippedFacts(facts: NoticeFacts): NoticeFacts {
  const {context} = facts
  const name = (value: string | undefined) => (value === undefined ? undefined : clip(value, FIELD_LIMITS.name))
  const title = (value: string | undefined) => (value === undefined ? undefined : clip(value, FIELD_LIMITS.title))
  return {
    ...facts,
    environment: name(facts.environment),
    context: {
      ...context,
      repository: name(context.repository),
      ref: context.ref && {...context.ref, name: clip(context.ref.name, FIELD_LIMITS.ref)},
      commitTitle: title(context.commitTitle),
      actor: name(context.actor),
      workflow: name(context.workflow),
      pullRequest: context.pullRequest && {...context.pullRequest, title: title(context.pullRequest.title)},
    },
  }
}

/** The placeholder values of a notice, already escaped (and formatted, for `details`) for `parseMode`. */
export function noticeValues(given: NoticeFacts, parseMode: ParseMode | undefined): Record<Placeholder, string> {
  const facts = clippedFacts(given)
  const markup = markupFor(parseMode)
  const {context, status, environment} = facts
  const sha = context.sha?.slice(0, SHORT_SHA)
  const pr = context.pullRequest
  const duration = facts.durationMs === undefined ? undefined : formatDuration(facts.durationMs)
  const text = (value: string | number | undefined) => (value === undefined ? '' : markup.text(String(value)))
  const url = (value: string | undefined) => (value === undefined ? '' : markup.url(value))
  return {
    icon: DEPLOY_STATUS_ICONS[status],
    status,
    title: markup.text(deployHeadline(status, context.repository, environment)),
    repository: text(context.repository),
    environment: text(environment),
    ref: text(context.ref?.name),
    ref_type: context.ref?.kind ?? '',
    sha: text(sha),
    commit_url: url(context.commitUrl),
    commit_title: text(context.commitTitle),
    actor: text(context.actor),
    workflow: text(context.workflow),
    run_number: text(context.runNumber),
    run_url: url(context.runUrl),
    pr: text(pr?.label),
    pr_url: url(pr?.url),
    pr_title: text(pr?.title),
    duration: text(duration),
    details: detailLines(facts, parseMode, duration).join('\n'),
  }
}

/** `branch: main`, `commit: 9f3c2d1 Fix refunds`, `pull request: #42 Title`, `by: octocat`, `run: Deploy #57`, `duration: 3m 12s`. */
function detailLines(facts: NoticeFacts, parseMode: ParseMode | undefined, duration: string | undefined): string[] {
  const markup = markupFor(parseMode)
  const {context} = facts
  const lines: string[] = []
  const line = (label: string, value: string) => lines.push(`${markup.bold(label)}: ${value}`)
  const linked = (label: string, url: string | undefined) => (url ? markup.link(label, url) : markup.text(label))
  const titled = (head: string, title: string | undefined) => (title ? `${head} ${markup.text(title)}` : head)

  if (context.ref) line(context.ref.kind, markup.code(context.ref.name))
  if (context.sha) {
    const sha = context.sha.slice(0, SHORT_SHA)
    line('commit', titled(context.commitUrl ? markup.link(sha, context.commitUrl) : markup.code(sha), context.commitTitle))
  }
  const pr = context.pullRequest
  if (pr) line(context.provider === 'gitlab' ? 'merge request' : 'pull request', titled(linked(pr.label, pr.url), pr.title))
  if (context.actor) line('by', markup.text(context.actor))
  const run = [context.workflow, context.runNumber === undefined ? undefined : `#${context.runNumber}`].filter(Boolean).join(' ')
  if (run || context.runUrl) line('run', linked(run || 'run', context.runUrl))
  if (duration !== undefined) line('duration', markup.text(duration))
  return lines
}

/**
 * The default notice:
 *
 *     ✅ <b>Deployed fastpay/api to production</b>
 *     <b>branch</b>: <code>main</code>
 *     <b>commit</b>: <a href="https://github.com/fastpay/api/commit/9f3c2d1…">9f3c2d1</a> Fix rounding of refunds
 *     <b>by</b>: octocat
 *     <b>run</b>: <a href="https://github.com/fastpay/api/actions/runs/123">Deploy #57</a>
 *     <b>duration</b>: 3m 12s
 */
export function renderDefaultNotice(given: NoticeFacts, parseMode: ParseMode | undefined): string {
  const facts = clippedFacts(given)
  const values = noticeValues(facts, parseMode)
  const markup = markupFor(parseMode)
  const headline = `${values.icon} ${markup.bold(deployHeadline(facts.status, facts.context.repository, facts.environment))}`
  return values.details ? `${headline}\n${values.details}` : headline
}

/** The reply that notifies the chat under an edited notice: `❌ Deploy failed — see above` and a link to the run. */
export function renderReply(facts: NoticeFacts, parseMode: ParseMode | undefined): string {
  const markup = markupFor(parseMode)
  const headline = markup.text(replyHeadline(facts.status))
  const {context} = facts
  if (!context.runUrl) return headline
  const run = [clip(context.workflow ?? '', FIELD_LIMITS.name), context.runNumber === undefined ? undefined : `#${context.runNumber}`].filter(Boolean).join(' ')
  return `${headline}\n${markup.bold('run')}: ${markup.link(run || 'run', context.runUrl)}`
}
