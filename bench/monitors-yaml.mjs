// `node bench/monitors-yaml.mjs` (also part of `npm run bench`): why the monitors file is read with js-yaml. A file
// of 1,000 checks (BENCH_CHECKS) parsed into plain data by each library, A = js-yaml (load, core schema, as
// monitors-yaml.ts does) and B = `yaml` (parseDocument + toJS, as load-monitors once did): whole processes that
// require the library and parse the file (what a `monitor run` whose parse cache misses pays), interleaved A B A B …
// with bench/ab.mjs (BENCH_ROUNDS rounds, default 3, of BENCH_RUNS pairs, default 10), wall and CPU; then both warm
// in this process, for the parse alone. Target: the library chosen is not the slower one (A/B <= 1x).
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {compare, spread} from './ab.mjs'

const CHECKS = Number(process.env.BENCH_CHECKS ?? 1000)
const RUNS = Number(process.env.BENCH_RUNS ?? 10)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const WARM_RUNS = 9
const require = createRequire(import.meta.url)
const dir = mkdtempSync(join(tmpdir(), 'fastpay-tg-yaml-bench-'))
const file = join(dir, 'monitors.yml')
const lines = ['concurrency: 50', 'defaults: {timeout: 10s, failure-threshold: 1}', 'checks:']
for (let index = 0; index < CHECKS; index++) {
  lines.push(`  - name: check-${index}`, '    type: http', `    url: "http://127.0.0.1:8080/health/${index}"`, '    expect: {status: 200, body-contains: ok}')
}
writeFileSync(file, `${lines.join('\n')}\n`)

const yamlPath = JSON.stringify(require.resolve('yaml'))
const jsYamlPath = JSON.stringify(require.resolve('js-yaml'))
const text = readFileSync(file, 'utf8')
const read = `require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8')`
const jsYamlScript = `const J = require(${jsYamlPath}); J.load(${read}, {schema: J.CORE_SCHEMA})`
const yamlScript = `const Y = require(${yamlPath}); const d = Y.parseDocument(${read}, {uniqueKeys: true}); if (d.errors.length) throw d.errors[0]; d.toJS()`

const Y = require('yaml')
const J = require('js-yaml')
const warmYaml = () => Y.parseDocument(text, {uniqueKeys: true}).toJS()
const warmJsYaml = () => J.load(text, {schema: J.CORE_SCHEMA})
if (JSON.stringify(warmYaml()) !== JSON.stringify(warmJsYaml())) throw new Error('the two libraries read the file differently')

const timeOf = (fn) => {
  const started = performance.now()
  fn()
  return performance.now() - started
}
const figures = ({median, min, max}, unit, digits) => `median ${median.toFixed(digits)}${unit} (min ${min.toFixed(digits)}, max ${max.toFixed(digits)})`

try {
  console.log(`monitors file of ${CHECKS} checks (${(text.length / 1024).toFixed(0)} KiB): js-yaml vs yaml (node ${process.version})`)
  await compare({
    label: `monitors file of ${CHECKS} checks, required and parsed in a fresh process`,
    aLabel: 'js-yaml `load` (what monitor run uses)',
    bLabel: '`yaml` `parseDocument` + `toJS`',
    a: {command: process.execPath, args: ['-e', jsYamlScript]},
    b: {command: process.execPath, args: ['-e', yamlScript]},
    runs: RUNS,
    rounds: ROUNDS,
    target: 1,
  })
  const as = []
  const bs = []
  for (let run = 0; run < WARM_RUNS; run++) {
    as.push(timeOf(warmJsYaml))
    bs.push(timeOf(warmYaml))
  }
  const ratios = as.map((value, index) => value / bs[index])
  console.log(`  warm, parse only (${WARM_RUNS} interleaved pairs in this process): js-yaml ${figures(spread(as), ' ms', 1)}, yaml ${figures(spread(bs), ' ms', 1)}, A/B ${figures(spread(ratios), 'x', 2)}`)
} finally {
  rmSync(dir, {recursive: true, force: true})
}
