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

/** Hands a window back with `release`. */
export interface ThrottleTicket {
  key: string
  sendId: string
}

export type ThrottleDecision =
  | {
      send: true
      /** Alerts held back since the last one went through: the one sent now should say so. */
      suppressed?: {count: number; since: Date}
      /** Undefined when the state could not be locked in time (then nothing was recorded). */
      ticket?: ThrottleTicket
      warnings: string[]
    }
  | {
      send: false
      /** How many alerts of this key were held back so far, this one included. */
      suppressedCount: number
      since: Date
      /** When the next alert of this key may go through. */
      nextAt: Date
      /** Set when a mute, not the window, holds the alert back. */
      mutedUntil?: Date
      warnings: string[]
    }
