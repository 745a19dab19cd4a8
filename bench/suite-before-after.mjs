// The test suite's time before and after a change: `vitest run` in this checkout (A) and in one built from a git ref
// (B, BASE_REF, default main; bench/ref-checkout.mjs), interleaved (B, A, A, B, B, A, ...: neither side always runs
// first), SUITE_PAIRS pairs (default 2). One run takes minutes and this machine's speed drifts by 10–25% between runs, so a change is judged by
// the pairs' ratios, not by one run against a figure from another hour. Also prints the files whose own time moved
// most (the median of their A/B differences), which tells where a change acted. What the suite needs beyond npm
// (REDIS_URL, the keychain's session) comes from the environment this runs in, as `.ci/run` provides it.
// Usage: npm run build && BASE_REF=<commit> node bench/suite-before-after.mjs
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join, relative} from 'node:path'

import {median} from './ab.mjs'
import {buildRefCheckout, removeRefCheckout} from './ref-checkout.mjs'

const baseRef = process.env.BASE_REF ?? 'main'
const pairs = Number(process.env.SUITE_PAIRS ?? 2)

/** One `vitest run` in `root`: its wall time, its counts, and each file's own time, from the JSON report. */
function runSuite(root) {
  const started = performance.now()
  const run = spawnSync('npx', ['vitest', 'run'], {cwd: root, stdio: ['ignore', 'ignore', 'inherit']})
  const seconds = (performance.now() - started) / 1000
  const report = JSON.parse(readFileSync(join(root, '.tmp/vitest-report.json'), 'utf8'))
  const files = new Map(report.testResults.map((file) => [relative(root, file.name), (file.endTime - file.startTime) / 1000]))
  return {seconds, exitCode: run.status, passed: report.numPassedTests, failed: report.numFailedTests, files}
}

const baseDir = buildRefCheckout(baseRef, 'fastpay-tg-suite-base-')
try {
  console.log(`vitest run, this checkout (A) vs ${baseRef} (B): ${pairs} interleaved pairs, node ${process.version}`)
  const ratios = []
  const moved = new Map()
  for (let pair = 1; pair <= pairs; pair++) {
    const order = pair % 2 ? ['B', 'A'] : ['A', 'B']
    const runs = {}
    for (const side of order) runs[side] = runSuite(side === 'A' ? process.cwd() : baseDir)
    const {A, B} = runs
    ratios.push(A.seconds / B.seconds)
    const counts = (run) => `${run.passed} passed, ${run.failed} failed${run.exitCode === 0 ? '' : `, exit ${run.exitCode}`}`
    console.log(`pair ${pair}: A ${A.seconds.toFixed(1)} s (${counts(A)}), B ${B.seconds.toFixed(1)} s (${counts(B)}): ${ratios.at(-1).toFixed(2)}x`)
    for (const [file, seconds] of A.files) {
      if (!B.files.has(file)) continue
      moved.set(file, [...(moved.get(file) ?? []), seconds - B.files.get(file)])
    }
  }
  console.log(`median A/B ${median(ratios).toFixed(2)}x (below 1: this checkout's suite is faster)`)
  const byChange = [...moved].map(([file, deltas]) => [file, median(deltas)]).sort((a, b) => a[1] - b[1])
  // The 8 that gained most and the 4 that lost most, where they moved by half a second or more.
  const extremes = byChange.length <= 12 ? byChange : [...byChange.slice(0, 8), ...byChange.slice(-4)]
  console.log('files whose own time moved most (median A − B):')
  for (const [file, delta] of extremes.filter(([, change]) => Math.abs(change) >= 0.5)) console.log(`  ${delta > 0 ? '+' : ''}${delta.toFixed(1)} s  ${file}`)
} finally {
  removeRefCheckout(baseDir)
}
