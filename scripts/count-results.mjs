// Prints the one closing line CI reads, from vitest's JSON report: "N passed, N failed[, N skipped]". Before it, the
// slowest tests and files, so that a test that starts waiting on real time shows up in the next CI log.
import {readFileSync} from 'node:fs'

const reportPath = process.argv[2] ?? '.tmp/vitest-report.json'
/** Failures found before the tests (CI's lint gates), counted in the same line. */
const gateFailures = Number(process.argv[3] ?? 0)
let report
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'))
} catch (error) {
  console.log(`no test report at ${reportPath} (${error.code ?? error.message})`)
  console.log(`0 passed, ${1 + gateFailures} failed`)
  process.exit(1)
}
printSlowest(report, 10)

// A file that failed to load counts as a failure even though none of its tests ran.
const brokenSuites = report.testResults.filter(
  (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
)
const failed = report.numFailedTests + brokenSuites.length + gateFailures
const skipped = report.numPendingTests + report.numTodoTests
console.log(`${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed === 0 && report.numPassedTests > 0 ? 0 : 1)

function printSlowest(report, count) {
  const cwd = `${process.cwd()}/`
  const files = report.testResults.map((suite) => ({
    name: suite.name.replace(cwd, ''),
    ms: suite.endTime - suite.startTime,
  }))
  const tests = report.testResults.flatMap((suite) =>
    suite.assertionResults.map((test) => ({
      name: `${suite.name.replace(cwd, '')} > ${test.fullName}`,
      ms: test.duration ?? 0,
    })),
  )
  const seconds = (ms) => `${(ms / 1000).toFixed(1).padStart(6)} s`
  const slowestFirst = (a, b) => b.ms - a.ms
  console.log(`slowest ${count} tests:`)
  for (const test of tests.sort(slowestFirst).slice(0, count)) console.log(`${seconds(test.ms)}  ${test.name}`)
  console.log(`slowest ${count} files (their tests may run concurrently):`)
  for (const file of files.sort(slowestFirst).slice(0, count)) console.log(`${seconds(file.ms)}  ${file.name}`)
}
