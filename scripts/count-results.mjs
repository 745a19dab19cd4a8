// Prints the one closing line CI reads, from vitest's JSON report: "N passed, N failed[, N skipped]".
import {readFileSync} from 'node:fs'

const reportPath = process.argv[2] ?? '.tmp/vitest-report.json'
let report
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'))
} catch (error) {
  console.log(`no test report at ${reportPath} (${error.code ?? error.message})`)
  console.log('0 passed, 1 failed')
  process.exit(1)
}
// A file that failed to load counts as a failure even though none of its tests ran.
const brokenSuites = report.testResults.filter((suite) => suite.status === 'failed' && suite.assertionResults.length === 0)
const failed = report.numFailedTests + brokenSuites.length
const skipped = report.numPendingTests + report.numTodoTests
console.log(`${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed === 0 && report.numPassedTests > 0 ? 0 : 1)
