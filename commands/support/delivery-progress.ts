// `12/150 sent` on one line that redraws itself while a send to many chats is under way, on a terminal only.
import type {ChatDelivery} from '../../src/send/deliver.js'
import {type ProgressStream, progressLine} from '../../src/support/progress-line.js'
import {colourOn, paint, progressOn, type StyleEnv} from '../../src/support/terminal-style.js'

export interface DeliveryProgress {
  /** For deliverToChats' `onChatDone`. */
  chatDone(delivery: ChatDelivery, total: number): void
  /** Clears the line before the per-chat lines are printed. */
  end(): void
}

export interface DeliveryProgressOptions {
  stdout: {isTTY?: boolean}
  stderr: ProgressStream
  env: StyleEnv & {FASTPAY_TG_PROGRESS_DELAY_MS?: string}
  /** @default performance.now-based */
  now?: () => number
}

/**
 * Off a terminal (see progressOn), undefined; on one, nothing for a single chat. The line waits 200 ms from here, so
 * a quick send leaves no trace; FASTPAY_TG_PROGRESS_DELAY_MS changes that wait (tests set 0, so that the line shows
 * however fast the send).
 */
export function deliveryProgress(options: DeliveryProgressOptions): DeliveryProgress | undefined {
  if (!progressOn(options.stdout, options.stderr, options.env)) return undefined
  const delay = Number(options.env.FASTPAY_TG_PROGRESS_DELAY_MS)
  const line = progressLine(options.stderr, {delayMs: Number.isFinite(delay) && delay >= 0 ? delay : 200, ...(options.now ? {now: options.now} : {})})
  if (!line) return undefined
  const colour = colourOn(options.stderr, options.env)
  let sent = 0
  let failed = 0
  return {
    chatDone(delivery, total) {
      if (delivery.ok) sent++
      else failed++
      if (total < 2) return
      const failures = failed === 0 ? '' : `, ${failed} ${paint('failed', 'red', colour)}`
      line.update(`${sent}/${total} ${paint('sent', 'green', colour)}${failures}`, sent + failed >= total)
    },
    end: () => line.end(),
  }
}
