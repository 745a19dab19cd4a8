import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // .ci/run counts results from the JSON report, not from the console summary.
    reporters: ['default', 'json'],
    outputFile: {json: '.tmp/vitest-report.json'},
  },
})
