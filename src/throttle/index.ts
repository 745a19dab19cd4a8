export type {Admission, AdmitSteps, HoldDecision, SendDecision} from './admission.js'
export {
  FileThrottle,
  type FileThrottleOptions,
  type ThrottleDecision,
  type ThrottleTicket,
} from './file-throttle.js'
