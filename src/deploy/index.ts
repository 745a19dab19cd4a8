export {deployContextFromEnv, type ContextOverrides} from './ci-context.js'
export {type DeployContext, type GitRef, parseGitRef, type PullRequest} from './context.js'
export {
  booleanInput,
  DEPLOY_INPUTS,
  type DeployInputName,
  type DeployOptions,
  describeInputIssues,
  type InputReader,
  type NoticeText,
  parseDeployOptions,
  type RawDeployInputs,
  secondsInput,
  type Attachment,
  DEFAULT_DEADLINE_SECONDS,
} from './deploy-options.js'
export {type DeployState, deployStateDir, deployStateKey, DeployStateStore} from './deploy-state.js'
export {deployContextFromGitHub, type GitHubRun, githubRunFromEnv} from './github-context.js'
export {deployContextFromGitLab} from './gitlab-context.js'
export {formatMessageIds, type MessageRef, parseMessageIds} from './message-ids.js'
export {FIELD_LIMITS, type NoticeFacts, noticeValues, type Placeholder, PLACEHOLDERS, renderDefaultNotice, renderReply} from './notice-values.js'
export {type DeployNoticeRequest, type DeployNoticeResult, notifyDeploy} from './notify-deploy.js'
export {type ChatNotice, type NoticeMessage, type NoticeOutcome, type NoticeTarget, publishNotice, replyToNotices} from './publish-notice.js'
export {
  DEPLOY_STATUS_ICONS,
  DEPLOY_STATUSES,
  DEPLOYMENT_STATES,
  type DeployStatus,
  deployHeadline,
  isDeployStatus,
  NOTIFY_MODES,
  type NotifyMode,
  toDeployStatus,
} from './status.js'
export {checkTemplate, renderTemplate} from './template.js'
export {deployThrottleKey} from './throttle-notice.js'
