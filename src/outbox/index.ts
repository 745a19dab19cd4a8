// The outbox feature: `send --outbox` and digests spool what could not be sent (deliverOrSpool, sendWithOutbox),
// with their own copy of a local file. The outbox itself (entries, flushes, listings) is the store's: OutboxStore,
// FileOutbox and RedisOutbox in src/store/, opened by openStore.
export {
  copyIntoOutbox,
  type OutboxFileCopy,
  removeStrayCopies,
  STRAY_COPY_AGE_MS,
} from './spooled-file.js'
export {deliverOrSpool, type DeliverOrSpoolOptions, type DeliverOrSpoolResult, sendWithOutbox, type SendWithOutboxOptions} from './send-with-outbox.js'
