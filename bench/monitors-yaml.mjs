// `node bench/monitors-yaml.mjs`: why the monitors file is read with js-yaml. A file of 1,000 checks (BENCH_CHECKS)
// parsed into plain data by each library, A = `yaml` (parseDocument + toJS, as load-monitors did) and B = js-yaml
// (load, core schema, as monitors-yaml.ts does): from a cold process (require + parse, what each `monitor run`
// pays) and warm in one process, interleaved A B A B …; prints median, min, max of each and of the ratio.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const CHECKS = Number(process.env.BENCH_CHECKS ?? 1000)
const RUNS = Number(process.env.BENCH_RUNS ?? 9)
const require = createRequire(import.meta.url)
const dir = mkdtempSync(join(tmpdir(), 'fastpay-tg-yaml-bench-'))
const file = join(dir, 'monitors.yml')
const lines = ['concurrency: 50', 'defaults: {timeout: 10s, failure-threshold: 1}', 'checks:']
for (let index = 0; index < CHECKS; index++) {
  lines.push(`  - name: check-${index}`, '    type: http', `    url: "http://127.0.0.1:8080/health/${index}"`, '    expect: {status: 200, body-contains: ok}')
}
writeFileSync(file, `${lines.join('\n')}\n`)

const yamlPath = require.resolve('yaml')
const jsYamlPath = require.resolve('js-yaml')
const cold = {
  A: `const t=performance.now();const Y=require(${JSON.stringify(yamlPath)});const d=Y.parseDocument(require('fs').readFileSync(${JSON.stringify(file)},'utf8'),{uniqueKeys:true});if(d.errors.length)throw d.errors[0];d.toJS();console.log(performance.now()-t)`,
  B: `const t=performance.now();const J=require(${JSON.stringify(jsYamlPath)});J.load(require('fs').readFileSync(${JSON.stringify(file)},'utf8'),{schema:J.CORE_SCHEMA});console.log(performance.now()-t)`,
}
const runCold = (script) => Number(execFileSync(process.execPath, ['-e', script]))

const Y = require('yaml')
const J = require('js-yaml')
const text = require('node:fs').readFileSync(file, 'utf8')
const warmA = () => Y.parseDocument(text, {uniqueKeys: true}).toJS()
const warmB = () => J.load(text, {schema: J.CORE_SCHEMA})
if (JSON.stringify(warmA()) !== JSON.stringify(warmB())) throw new Error('the two libraries read the file differently')
const timeOf = (fn) => {
  const started = performance.now()
  fn()
  return performance.now() - started
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const spread = (values, unit, digits) => `median ${median(values).toFixed(digits)}${unit} (min ${Math.min(...values).toFixed(digits)}, max ${Math.max(...values).toFixed(digits)})`
try {
  console.log(`monitors file of ${CHECKS} checks (${(text.length / 1024).toFixed(0)} KiB), A = yaml parseDocument+toJS, B = js-yaml load; ${RUNS} interleaved pairs`)
  for (const [label, a, b] of [
    ['cold process (require + parse)', () => runCold(cold.A), () => runCold(cold.B)],
    ['warm (parse only)', () => timeOf(warmA), () => timeOf(warmB)],
  ]) {
    const as = []
    const bs = []
    for (let run = 0; run < RUNS; run++) {
      as.push(a())
      bs.push(b())
    }
    const ratios = as.map((value, index) => value / bs[index])
    console.log(`  ${label}: A ${spread(as, ' ms', 1)}, B ${spread(bs, ' ms', 1)}, A/B ${spread(ratios, 'x', 1)}`)
  }
} finally {
  rmSync(dir, {recursive: true, force: true})
}
