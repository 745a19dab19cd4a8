// A running `webhook serve` takes the updates another serve kept at its stop (a rolling deploy starts the new serve
// before it stops the old): it reads one small signal key every few seconds, and looks for batches when it moved,
// and once an hour whatever it says (a batch skipped as just claimed, or kept in this host's files while Redis was
// away and the signal with it).
import type {KeyValueStore} from '../store/types.js'
import {keepUpdates, keptSignal, takeKeptUpdates} from './kept-updates.js'
import type {QueuedUpdate} from './webhook-server.js'
import {errorMessage} from '../support/error-message.js'

/** How often the signal is read. `FASTPAY_TG_KEPT_UPDATES_POLL_MS` sets it for test suites. */
const POLL_MS = 10_000
const LOOK_ANYWAY_MS = 3_600_000

export interface KeptUpdatesWatch {
  /** Stops the ticks and waits for a look in progress, whose updates were then all handed to `handle`. */
  stop(): Promise<void>
}

export function watchKeptUpdates(
  kv: KeyValueStore,
  webhookIds: readonly number[],
  handle: (kept: QueuedUpdate) => void,
  options: {seen: number; env: Readonly<Record<string, string | undefined>>; onError: (error: unknown) => void; now?: () => number},
): KeptUpdatesWatch {
  const now = options.now ?? Date.now
  let {seen} = options
  let lastLook = now()
  let looking: Promise<void> | undefined
  const look = async () => {
    try {
      const version = await keptSignal(kv)
      if (version !== seen || now() - lastLook >= LOOK_ANYWAY_MS) {
        lastLook = now()
        const {failures} = await takeKeptUpdates(kv, webhookIds, handle)
        for (const failure of failures) options.onError(failure)
      }
      seen = version
    } catch (error) {
      options.onError(error)
    }
  }
  const tick = () => {
    looking ??= look().finally(() => {
      looking = undefined
    })
  }
  const timer = setInterval(tick, pollMs(options.env)).unref()
  return {
    async stop() {
      clearInterval(timer)
      await looking
    },
  }
}

function pollMs(env: Readonly<Record<string, string | undefined>>): number {
  const value = Number(env.FASTPAY_TG_KEPT_UPDATES_POLL_MS)
  return Number.isSafeInteger(value) && value > 0 ? value : POLL_MS
}

/** What `webhook serve` does with kept updates, from its start to its stop. */
export interface KeptUpdatesHandover {
  /** Taken at start: queued before any new update. */
  readonly atStart: readonly QueuedUpdate[]
  /** Watches for batches that stopping serves keep from now on, handing them to `handle`. */
  watch(handle: (kept: QueuedUpdate) => void): void
  /** Stops watching; a look in progress first hands its updates on. */
  stop(): Promise<void>
  /**
   * Keeps what a stop left for the next serve; a bot's batch that fails is one line naming its updates, lost. Returns
   * how many were kept.
   */
  keep(left: readonly QueuedUpdate[]): Promise<number>
}

export async function openKeptUpdates(
  kv: KeyValueStore | undefined,
  webhookIds: readonly number[],
  options: {env: Readonly<Record<string, string | undefined>>; logError: (line: string) => void},
): Promise<KeptUpdatesHandover> {
  const onError = (error: unknown) => options.logError(`webhook: taking the updates a stopped serve kept failed (they wait for the next look): ${errorMessage(error)}`)
  const atStart: QueuedUpdate[] = []
  let seen = 0
  // The signal is read first: updates kept while the batches are being taken move it, and the watch then looks again.
  // A store that fails here does not stop serve: the watch looks again at its first tick.
  try {
    if (kv) seen = await keptSignal(kv)
    if (kv) for (const failure of (await takeKeptUpdates(kv, webhookIds, (kept) => atStart.push(kept))).failures) onError(failure)
  } catch (error) {
    onError(error)
    // Batches may still be there: the first tick looks, whatever the signal says.
    seen = Number.NaN
  }
  let watching: KeptUpdatesWatch | undefined
  return {
    atStart,
    watch(handle) {
      if (kv) watching = watchKeptUpdates(kv, webhookIds, handle, {seen, env: options.env, onError})
    },
    async stop() {
      await watching?.stop()
    },
    async keep(left) {
      if (left.length === 0) return 0
      const {kept, lost, signalError} = kv
        ? await keepUpdates(kv, left)
        : {kept: 0, lost: [{updates: [...left], error: new Error('no store to keep them in')}], signalError: undefined}
      for (const {updates, error} of lost) {
        const ids = updates.map(({update}) => update.update_id).join(', ')
        options.logError(`webhook: could not keep updates ${ids} for the next serve (${errorMessage(error)}): they are lost`)
      }
      if (signalError !== undefined) {
        options.logError(`webhook: kept ${kept} updates, but could not tell running serves (${errorMessage(signalError)}): one finds them within the hour, or the next to start`)
      }
      return kept
    },
  }
}
