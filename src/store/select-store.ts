import {join} from 'node:path'

import {outboxDirIn, throttleDirIn} from '../support/state-dir.js'
import {displayPath, type Env, locateRegistry} from '../config/paths.js'
import {FileThrottle} from './file/file-throttle.js'
import {FileOutbox} from './file/file-outbox.js'
import {FileHistory} from './file/file-history.js'
import {FileMonitorStore, monitorDirIn} from './file/file-monitor-store.js'
import {FileKeyValue} from './file/file-key-value.js'
import {FileLockStore} from './file/file-lock-store.js'
import {LinkStore} from './link-store.js'
import {type DrainReport, FallbackOutbox} from './fallback/fallback-outbox.js'
import {FallbackLock} from './fallback/fallback-lock.js'
import {SettlementFiles} from './fallback/redis-settlements.js'
import {FallbackHistory, FallbackKeyValue} from './fallback/fallback-state.js'
import {FallbackThrottle} from './fallback/fallback-throttle.js'
import {RedisHistory} from './redis/redis-history.js'
import {RedisKeyValue} from './redis/redis-key-value.js'
import {RedisLink} from './redis/redis-link.js'
import {RedisLock} from './redis/redis-lock.js'
import {RedisOutbox} from './redis/redis-outbox.js'
import {RedisThrottle} from './redis/redis-throttle.js'
import type {MonitorStore} from './monitor-state.js'
import {SharedMonitorStore} from './shared-monitor-store.js'
import {readStoreSetting} from './store-config.js'
import type {HistoryStore, KeyValueStore, LockStore, OutboxStore, StoreDescription, ThrottleStore} from './types.js'

export interface RedisTuning {
  /** @default 1000 */
  connectTimeoutMs?: number
  /** @default 5000 */
  commandTimeoutMs?: number
  /** Once unreachable, Redis is tried again no sooner than this (long-running processes). @default 30_000 */
  retryAfterMs?: number
  /** An outbox entry held this long by a consumer without renewing its claim is taken over by another host. @default 60_000 */
  claimTimeoutMs?: number
  /** Put before every key: several teams or test runs can share one Redis. @default 'fastpay-tg:' */
  prefix?: string
  /** This process as an outbox consumer and lock holder. @default `<hostname>/<pid>` */
  consumer?: string
}

export interface OpenStoreOptions {
  /** `--config`. @default FASTPAY_TG_CONFIG, else `$XDG_CONFIG_HOME/fastpay-tg/config.yml` */
  configPath?: string
  /** @default process.env */
  env?: Env
  /** The state dir (`resolveStateDir`): the file store, and this host's fallback when Redis is unreachable. */
  stateDir: string
  /** Told, one line each time, when Redis becomes unreachable: the door prints it (and carries it in --json). */
  onWarning: (line: string) => void
  /** @default see RedisTuning */
  redis?: RedisTuning
}

/** Shared state as every door sees it, whichever backend keeps it. */
export interface Store {
  /** The backend configured; `describe()` tells the one in use right now. */
  kind: 'file' | 'redis'
  throttle: ThrottleStore
  outbox: OutboxStore
  lock: LockStore
  /** Versioned documents with compare-and-set: monitor state, per-host observations. */
  kv: KeyValueStore
  /** Append-only lists that keep their newest items: check histories. */
  history: HistoryStore
  /** The monitor's check states, pass lock and history (read by `monitor status`, `digest`, `health`, `/status`). */
  monitor: MonitorStore
  /** Link tokens and linked chats (`webhook link-token`, `/link`), in `kv`; moved out of an old registry on first use. */
  links: LinkStore
  /** For `health`: the backend in use, and whether Redis answers (it is asked now). */
  describe(): Promise<StoreDescription>
  /** Hands alerts this host spooled while Redis was unreachable over to Redis (flushes do it too). */
  drainLocalSpool(): Promise<DrainReport>
  /** Ends the Redis connection, so that the process can exit. */
  close(): Promise<void>
}

/**
 * Opens the store chosen by `FASTPAY_TG_STORE` or the registry's `store:` (see readStoreSetting). With Redis,
 * connects now (ioredis is loaded only then); when Redis does not answer within about a second, says so in one
 * line and works on the file store in `stateDir` until Redis is back, then hands over what was spooled meanwhile.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const {stateDir} = options
  const setting = await readStoreSetting({configPath: options.configPath, env: options.env ?? process.env})
  const tuning = options.redis ?? {}
  const local = {
    throttle: new FileThrottle({dir: throttleDirIn(stateDir)}),
    outbox: new FileOutbox({dir: outboxDirIn(stateDir), ...(tuning.claimTimeoutMs ? {claimTimeoutMs: tuning.claimTimeoutMs} : {})}),
    lock: new FileLockStore({dir: join(stateDir, 'locks'), ...(tuning.consumer ? {holder: tuning.consumer} : {})}),
    kv: new FileKeyValue({dir: join(stateDir, 'state')}),
    history: new FileHistory({dir: join(stateDir, 'history')}),
    monitor: new FileMonitorStore({dir: monitorDirIn(stateDir)}),
  }
  const localWaiting = async () => (await local.outbox.list()).items.length
  const registry = locateRegistry(options.configPath, options.env ?? process.env)
  if (setting.kind === 'file') {
    return {
      kind: 'file',
      ...local,
      links: new LinkStore({kv: local.kv, target: displayPath(stateDir, options.env ?? process.env), registry}),
      describe: async () => ({kind: 'file', active: 'file', target: stateDir, source: setting.source, reachable: true}),
      drainLocalSpool: async () => ({handedOver: 0, alreadyThere: 0, waiting: await localWaiting(), warnings: []}),
      close: async () => {},
    }
  }

  const {onWarning} = options
  const link = await RedisLink.create({
    url: setting.url,
    display: setting.display,
    ...pick(tuning, ['connectTimeoutMs', 'commandTimeoutMs', 'retryAfterMs']),
    source: setting.source,
    onNotice: onWarning,
    onDown: (line, refused) => onWarning(`${line}; using the file store in ${stateDir} until it is ${refused ? 'fixed' : 'back'}`),
  })
  const shared = {redis: link.redis, ...pick(tuning, ['prefix'])}
  const outbox = new FallbackOutbox(
    new RedisOutbox({...shared, ...pick(tuning, ['claimTimeoutMs', 'consumer'])}),
    local.outbox,
    link,
    new SettlementFiles(join(outboxDirIn(stateDir), 'redis-settled')),
  )
  const lock = new FallbackLock(new RedisLock({...shared, ...(tuning.consumer ? {holder: tuning.consumer} : {})}), local.lock, link)
  const redisKv = new RedisKeyValue(shared)
  const kv = new FallbackKeyValue(redisKv, local.kv, link)
  const history = new FallbackHistory(new RedisHistory(shared), local.history, link)
  // Connecting now: the one warning, if any, comes before the run's own output.
  await link.available()
  return {
    kind: 'redis',
    throttle: new FallbackThrottle(new RedisThrottle(shared), local.throttle, link),
    outbox,
    lock,
    kv,
    history,
    // Every host of a fleet reads and writes one state under one lock: a change is alerted once.
    monitor: new SharedMonitorStore({kv, lock, history, offline: {kv: local.kv, history: local.history, sharedAnswers: () => link.available()}}),
    // Moved out of the registry into Redis itself, never into one host's fallback files.
    links: new LinkStore({kv, target: setting.display, registry, moveInto: async () => ((await link.available()) ? redisKv : undefined)}),
    describe: async () => {
      const ping = await link.ping()
      const reachable = 'latencyMs' in ping
      return {
        kind: 'redis',
        active: reachable ? 'redis' : 'file',
        target: setting.display,
        source: setting.source,
        reachable,
        ...(reachable ? {latencyMs: ping.latencyMs} : {problem: ping.problem, ...(link.refusal ? {refusal: link.refusal} : {})}),
        localWaiting: await localWaiting(),
      }
    },
    drainLocalSpool: () => outbox.drainLocalSpool(),
    close: () => link.close(),
  }
}

function pick<T extends object, K extends keyof T>(object: T, keys: K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>
  for (const key of keys) if (object[key] !== undefined) picked[key] = object[key]
  return picked
}
