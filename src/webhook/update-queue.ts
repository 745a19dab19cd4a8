interface Task<Item> {
  item: Item
  run: () => Promise<void>
}

export interface UpdateQueueOptions {
  /** Tasks running at once, across lanes. @default 16 */
  concurrency?: number
  /** Told about a task that threw; the queue goes on. */
  onError: (error: unknown) => void
}

/**
 * Runs tasks with bounded concurrency, in order within a lane (one lane per chat: a `/link` is handled before the
 * `/status` sent right after it), lanes taking turns. Each task carries an item (the update it handles), so that a
 * server stopping can tell which updates were never started and which were left running.
 */
export class UpdateQueue<Item = undefined> {
  readonly #concurrency: number
  readonly #onError: (error: unknown) => void
  readonly #lanes = new Map<string, Array<Task<Item>>>()
  /** The task each busy lane runs (one at a time per lane). */
  readonly #active = new Map<string, Task<Item>>()
  readonly #ready: string[] = []
  #running = 0
  #pending = 0
  #idleWaiters: Array<() => void> = []
  #pumpScheduled = false

  constructor(options: UpdateQueueOptions) {
    this.#concurrency = options.concurrency ?? 16
    this.#onError = options.onError
  }

  /** Tasks queued or running. */
  get size(): number {
    return this.#pending
  }

  push(lane: string, item: Item, run: () => Promise<void>): void {
    let tasks = this.#lanes.get(lane)
    if (tasks === undefined) {
      tasks = []
      this.#lanes.set(lane, tasks)
    }
    tasks.push({item, run})
    this.#pending++
    if (tasks.length === 1 && !this.#active.has(lane)) this.#ready.push(lane)
    // Tasks start after the I/O callbacks of this turn: every request that arrived with this one is answered first,
    // and handling (replies, logging) never runs inside a request's callback.
    if (!this.#pumpScheduled) {
      this.#pumpScheduled = true
      setImmediate(() => {
        this.#pumpScheduled = false
        this.#pump()
      })
    }
  }

  /** Resolves true once every task has finished, or false when `timeoutMs` passed first or `cutShort` aborted. */
  drain(timeoutMs = Number.POSITIVE_INFINITY, cutShort?: AbortSignal): Promise<boolean> {
    if (this.#pending === 0) return Promise.resolve(true)
    if (cutShort?.aborted) return Promise.resolve(false)
    return new Promise((resolve) => {
      const giveUp = () => {
        clearTimeout(timer)
        resolve(false)
      }
      const timer = Number.isFinite(timeoutMs) ? setTimeout(giveUp, timeoutMs) : undefined
      cutShort?.addEventListener('abort', giveUp, {once: true})
      this.#idleWaiters.push(() => {
        clearTimeout(timer)
        cutShort?.removeEventListener('abort', giveUp)
        resolve(true)
      })
    })
  }

  /**
   * Takes every task not started yet out of the queue (they will not run) and returns their items, each lane's in
   * order, with the items of the tasks still running.
   */
  stop(): {waiting: Item[]; running: Item[]} {
    const waiting: Item[] = []
    for (const [lane, tasks] of this.#lanes) {
      waiting.push(...tasks.splice(0).map((task) => task.item))
      if (!this.#active.has(lane)) this.#lanes.delete(lane)
    }
    this.#ready.length = 0
    this.#pending -= waiting.length
    if (this.#pending === 0) for (const wake of this.#idleWaiters.splice(0)) wake()
    return {waiting, running: [...this.#active.values()].map((task) => task.item)}
  }

  #pump(): void {
    while (this.#running < this.#concurrency && this.#ready.length > 0) {
      const lane = this.#ready.shift()!
      const tasks = this.#lanes.get(lane)!
      const task = tasks.shift()!
      this.#active.set(lane, task)
      this.#running++
      void this.#run(task.run).finally(() => {
        this.#running--
        this.#pending--
        this.#active.delete(lane)
        if (tasks.length > 0) this.#ready.push(lane)
        else this.#lanes.delete(lane)
        this.#pump()
        if (this.#pending === 0) for (const wake of this.#idleWaiters.splice(0)) wake()
      })
    }
  }

  async #run(task: () => Promise<void>): Promise<void> {
    try {
      await task()
    } catch (error) {
      this.#onError(error)
    }
  }
}
