// A clock drill for wall-clock dependencies (an interval that midnight UTC splits, a date in a message): every Node
// process of a test run sees one shifted timeline, the vitest process, its workers and the CLI processes they start
// (test/helpers/spawn-capture.ts passes it on). Real timers, sockets and other programs (redis-server) are untouched.
//
//   FASTPAY_TG_TEST_CLOCK_AT=2026-12-02T23:59:50Z NODE_OPTIONS="--require ./test/helpers/test-clock.cjs" \
//     npx vitest run test/monitor/fleet-processes.test.ts
//
// The first process to load it turns the wanted start into an offset from the real clock, in its environment, which
// the processes it starts inherit: a CLI started a minute later is a minute past the start, not at it again.
'use strict'

const RealDate = Date
const realNow = RealDate.now.bind(RealDate)

if (process.env.FASTPAY_TG_TEST_CLOCK_OFFSET_MS === undefined && process.env.FASTPAY_TG_TEST_CLOCK_AT) {
  const at = RealDate.parse(process.env.FASTPAY_TG_TEST_CLOCK_AT)
  if (Number.isNaN(at)) throw new Error(`FASTPAY_TG_TEST_CLOCK_AT: expected an ISO time, got ${process.env.FASTPAY_TG_TEST_CLOCK_AT}`)
  process.env.FASTPAY_TG_TEST_CLOCK_OFFSET_MS = String(at - realNow())
}
const offsetMs = Number(process.env.FASTPAY_TG_TEST_CLOCK_OFFSET_MS ?? 0)

if (offsetMs !== 0) {
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(realNow() + offsetMs)
      else super(...args)
    }
    static now() {
      return realNow() + offsetMs
    }
  }
  globalThis.Date = ShiftedDate
}
