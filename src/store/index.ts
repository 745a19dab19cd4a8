export {deliverEntry} from './deliver-entry.js'
export {type DrainReport, FallbackOutbox} from './fallback/fallback-outbox.js'
export {FallbackLock} from './fallback/fallback-lock.js'
export {FallbackHistory, FallbackKeyValue} from './fallback/fallback-state.js'
export {FallbackThrottle} from './fallback/fallback-throttle.js'
export {FileHistory, type FileHistoryOptions} from './file/file-history.js'
export {FileOutbox, type FileOutboxOptions} from './file/file-outbox.js'
export {FileKeyValue, type FileKeyValueOptions} from './file/file-key-value.js'
export {FileLockStore, type FileLockStoreOptions} from './file/file-lock-store.js'
export {
  editChatsIn,
  KEEP_SPENT_TOKENS_MS,
  type LinkedChat,
  LINKED_CHATS_KEY,
  LinkStore,
  type LinkStoreOptions,
  type LinkTokenEntry,
  linkTokenKey,
  tokenKeepMs,
} from './link-store.js'
export {entryIdOf, newOutboxEntry, parseOutboxEntry} from './outbox-entry.js'
export {removeSpooledFile, spooledFileProblem, spooledFilesDirIn} from './outbox-media.js'
export {
  DEFAULT_CLAIM_TIMEOUT_MS,
  type DeliverEntry,
  type FlushedEntry,
  type FlushOptions,
  type FlushReport,
  type HeldEntry,
  type NewOutboxEntry,
  type OutboxEntry,
  type OutboxItem,
  type OutboxListing,
  type SpooledMedia,
  type SpooledMessage,
} from './outbox-types.js'
export {isRedisUnavailable} from './redis/redis-errors.js'
export {RedisHistory, type RedisHistoryOptions} from './redis/redis-history.js'
export {RedisKeyValue, type RedisKeyValueOptions} from './redis/redis-key-value.js'
export {RedisLink, type RedisLinkOptions} from './redis/redis-link.js'
export {RedisLock, type RedisLockOptions} from './redis/redis-lock.js'
export {RedisOutbox, type RedisOutboxOptions} from './redis/redis-outbox.js'
export {RedisThrottle, type RedisThrottleOptions} from './redis/redis-throttle.js'
export {openStore, type OpenStoreOptions, type RedisTuning, type Store} from './select-store.js'
export {displayRedisUrl, parseStoreValue, readStoreSetting, STORE_ENV, type StoreSetting, type StoreSettingOptions} from './store-config.js'
export type {
  CompareAndSetResult,
  HistoryStore,
  KeyValueStore,
  LockLease,
  LockStore,
  OutboxStore,
  StoreDescription,
  ThrottleStore,
  Versioned,
  WriteOptions,
} from './types.js'
