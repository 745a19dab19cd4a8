import type {AlertTarget} from '../../src/alert/alert-target.js'
import {sendAlert} from '../../src/alert/send-alert.js'
import {TelegramRateLimiter} from '../../src/rate-limit/telegram-limiter.js'
import type {OutboxStore, ThrottleStore} from '../../src/store/types.js'

/** A limiter on a clock of its own that sleeps by moving the clock: Telegram's pacing, counted, never waited out. */
export function instantLimiter(startMs: number): TelegramRateLimiter {
  let now = startMs
  return new TelegramRateLimiter({}, {now: () => now, sleep: async (ms) => void (now += ms)})
}

/** `alert <title>` at `now` (error, channel alerts, no host), throttled by the title for 60 s, written ahead to `outbox`. */
export function alertSender(target: AlertTarget, throttle: ThrottleStore, outbox: OutboxStore, startMs: number) {
  return (title: string, now: number) =>
    sendAlert({
      target,
      content: {title, severity: 'error', channel: 'alerts', host: null},
      throttle: {store: throttle, key: `alerts:${title}`, windowSeconds: 60},
      outbox,
      limiter: instantLimiter(startMs),
      now,
    })
}
