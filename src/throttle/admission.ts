import type {ThrottleDecision} from './file-throttle.js'

export type SendDecision = Extract<ThrottleDecision, {send: true}>
export type HoldDecision = Extract<ThrottleDecision, {send: false}>

/** What a write-ahead `admit` asks of the caller, under the key's lock. */
export interface AdmitSteps<T> {
  /**
   * The creation time (epoch ms) of an entry of this key written after `sinceMs` that is still on its way: a run
   * killed after writing its entry and before committing its window left it, and it stands for that window.
   */
  pendingSince(sinceMs: number): Promise<number | undefined>
  /** Writes the alert down durably (its outbox entry). The window is committed only once this returned. */
  record(decision: SendDecision): Promise<T>
}

/** Held back (nothing recorded), or let through with what `record` returned. */
export type Admission<T> = {admitted: false; decision: HoldDecision} | {admitted: true; decision: SendDecision; recorded: T}
