export {type AlertOutcome, type AlertSender, type AlertSenderOptions, createAlertSender} from './alert-sender.js'
export {type ApplyOptions, type ApplyReport, applyResults, type CheckReport, type RanCheck} from './apply-results.js'
export {channelTargets, type ChannelTargetOptions} from './channel-targets.js'
export {type CheckOutcome, type CheckResult, outputTail} from './check-result.js'
export {
  CHECK_NAME,
  CHECK_TYPES,
  type CheckCommon,
  type CheckSpec,
  type CheckType,
  type CommandCheck,
  DEFAULT_CONCURRENCY,
  DEFAULT_HISTORY_RETENTION_MS,
  describeTarget,
  type HttpCheck,
  type MonitorConfig,
  type TcpCheck,
  type TelegramCheck,
  type TlsCheck,
} from './check-spec.js'
export {type CheckContext, runCheck} from './checks/run-check.js'
export {type TelegramProbe, telegramProbe, type TelegramProbeOptions} from './checks/telegram-check.js'
export {type ExecCheck, execJob, type ExecJobOptions, type ExecJobReport} from './exec-job.js'
export {defaultMonitorsPath, loadMonitors, loadMonitorsOnce, locateMonitors, type MonitorsCache, MONITORS_ENV, type MonitorsLocation, selectChecks} from './load-monitors.js'
export {mapConcurrent} from './map-concurrent.js'
export {type CheckEvent, type PlannedAlert, planAlerts} from './plan-alerts.js'
export {type Progress, type ProgressStream, terminalProgress} from './progress.js'
export {passLines} from './report-lines.js'
export {type PassOptions, type PassReport, runPass} from './run-pass.js'
export {type MonitorRuntime, type MonitorRuntimeOptions, openMonitorRuntime} from './runtime.js'
export {monitorStatusSections, type StatusRow, statusRows, type StatusSectionsOptions, statusTable} from './status.js'
export {
  type AlertEvent,
  type AlertRecordStatus,
  type CheckState,
  type CheckStatus,
  emptyState,
  type HistoryRecord,
  type MonitorState,
  type MonitorStore,
  StateLockTimeout,
} from '../store/monitor-state.js'
export {applyResult, type Step, type Thresholds} from './transition.js'
export {watchMonitors, type WatchOptions} from './watch.js'
