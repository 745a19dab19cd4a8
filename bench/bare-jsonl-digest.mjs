// The floor for `digest` (issue 15, item 5): the history's JSON lines read in chunks, parsed, and summed per check
// (results, passing, p50/p95 of passing durations), nothing else. Argument: the history directory.
import {createReadStream, readdirSync} from 'node:fs'
import {join} from 'node:path'

const dir = process.argv[2]
const checks = new Map()
for (const name of readdirSync(dir).filter((file) => file.endsWith('.jsonl')).sort()) {
  let rest = ''
  for await (const chunk of createReadStream(join(dir, name), {encoding: 'utf8', highWaterMark: 256 * 1024})) {
    const lines = (rest + chunk).split('\n')
    rest = lines.pop()
    for (const line of lines) {
      if (line === '') continue
      const record = JSON.parse(line)
      if (record.type !== 'result') continue
      let check = checks.get(record.check)
      if (check === undefined) checks.set(record.check, (check = {results: 0, passed: 0, latencies: []}))
      check.results++
      if (record.ok) {
        check.passed++
        check.latencies.push(record.ms)
      }
    }
  }
}
const rank = (sorted, p) => sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]
for (const [name, check] of [...checks].sort()) {
  const sorted = check.latencies.sort((a, b) => a - b)
  console.log(name, check.results, check.passed, rank(sorted, 50), rank(sorted, 95))
}
