import {availableParallelism} from 'node:os'
import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most of a test's time is spent waiting for the processes it starts (the built CLI, the Action, redis-server) and
    // for sockets, not in its worker: vitest's default (cores - 1, so one worker on 2 cores) leaves the machine idle.
    maxWorkers: availableParallelism() + 1,
    // .ci/run counts results from the JSON report, not from the console summary.
    reporters: ['default', 'json'],
    outputFile: {json: '.tmp/vitest-report.json'},
  },
})
