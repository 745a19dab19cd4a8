export {type FailureKind, failureKind} from './failure-kind.js'
export {
  type DeliverEntry,
  type FlushedEntry,
  type FlushOptions,
  type FlushReport,
  Outbox,
  type OutboxItem,
  type OutboxListing,
  type OutboxOptions,
} from './outbox.js'
export type {NewOutboxEntry, OutboxEntry, SpooledMessage} from './outbox-entry.js'
