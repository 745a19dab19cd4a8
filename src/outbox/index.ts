export {type FailureKind, failureKind} from './failure-kind.js'
export {
  DEFAULT_CLAIM_TIMEOUT_MS,
  type DeliverEntry,
  type FlushedEntry,
  type FlushOptions,
  type FlushReport,
  type HeldEntry,
  Outbox,
  type OutboxItem,
  type OutboxListing,
  type OutboxOptions,
} from './outbox.js'
export type {NewOutboxEntry, OutboxEntry, SpooledMedia, SpooledMessage} from './outbox-entry.js'
export {
  copyIntoOutbox,
  type OutboxFileCopy,
  removeSpooledFile,
  removeStrayCopies,
  spooledFileProblem,
  spooledFilesDirIn,
  STRAY_COPY_AGE_MS,
} from './spooled-file.js'
export {deliverOrSpool, type DeliverOrSpoolOptions, type DeliverOrSpoolResult, sendWithOutbox, type SendWithOutboxOptions} from './send-with-outbox.js'
