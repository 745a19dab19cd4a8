export {
  FileThrottle,
  type FileThrottleOptions,
  type ThrottleDecision,
  type ThrottleTicket,
} from './file-throttle.js'
export {type KeyLockOptions, LockTimeoutError, withKeyLock} from './key-lock.js'
