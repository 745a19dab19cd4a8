export type {AlertTarget} from './alert-target.js'
export {type AlertDryRun, dryRunAlert, type DryRunOptions} from './dry-run.js'
export {type AlertField, parseField} from './field.js'
export {type AlertContent, type AlertParts, alertParts, isoSeconds, renderAlert, suppressedLine} from './render-alert.js'
export {
  type AlertThrottleSettings,
  DEFAULT_THROTTLE_SECONDS,
  defaultThrottleKey,
  sendAlert,
  type SendAlertOptions,
  type SendAlertResult,
  type SendAlertStatus,
} from './send-alert.js'
export {parseSeverity, SEVERITIES, SEVERITY_ICONS, type Severity} from './severity.js'
export {ensureStateDir, outboxDirIn, resolveStateDir, STATE_DIR_ENV, throttleDirIn} from '../support/state-dir.js'
export {type AlertTemplate, loadTemplate, parseTemplate, renderTemplate} from './template.js'
export {flushAlerts, type FlushAlertsOptions, type FlushAlertsReport} from './flush-alerts.js'
export {type AlertChannelRequest, botLabelOf, openAlertTarget, requestForBotLabel} from './open-alert-target.js'
export {type AlertState, openAlertState, THROTTLE_SECONDS_ENV, throttleSeconds} from './alert-state.js'
