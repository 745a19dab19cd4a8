// Interleaved A/B comparison of whole processes, shared by the benches: A B A B … so that the machine's load, which
// drifts over seconds on a shared box, falls on both sides alike. A comparison runs in rounds; each round's median
// wall ratio is held against the target, and a verdict is printed only when the last AGREE rounds say the same, so
// one noisy stretch cannot flip it. The statistics are pure functions (test/bench/ab.test.ts).
import {appendFileSync} from 'node:fs'

import {measureProcess} from './measure.mjs'

export const AGREE = 3

/** The middle value; for an even count, the mean of the two middle values. */
export function median(values) {
  if (values.length === 0) throw new Error('median of no values')
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export const spread = (values) => ({median: median(values), min: Math.min(...values), max: Math.max(...values)})

/**
 * Statistics of one set of pairs `{a, b}`, each side `{wallMs, cpuMs, maxRssKb}` measured back to back: the spread
 * of each side, the spread of the per-pair ratios A/B (a ratio of medians would hide which pairs were disturbed),
 * and each side's peak RSS.
 */
export function summarize(pairs) {
  if (pairs.length === 0) throw new Error('no pairs to summarize')
  const side = (key) => ({
    wallMs: spread(pairs.map((pair) => pair[key].wallMs)),
    cpuMs: spread(pairs.map((pair) => pair[key].cpuMs)),
    peakRssKb: Math.max(...pairs.map((pair) => pair[key].maxRssKb)),
  })
  return {
    a: side('a'),
    b: side('b'),
    wallRatio: spread(pairs.map((pair) => pair.a.wallMs / pair.b.wallMs)),
    cpuRatio: spread(pairs.map((pair) => pair.a.cpuMs / pair.b.cpuMs)),
  }
}

/**
 * `roundRatios` are the median wall ratios of successive rounds, oldest first. Returns 'MET' or 'MISSED' when the
 * last `agree` rounds all fall on the same side of `target` (<= target is met), else undefined: no verdict.
 */
export function verdict(roundRatios, target, agree = AGREE) {
  if (roundRatios.length < agree) return undefined
  const outcomes = new Set(roundRatios.slice(-agree).map((ratio) => (ratio <= target ? 'MET' : 'MISSED')))
  return outcomes.size === 1 ? [...outcomes][0] : undefined
}

export function verdictLine(roundRatios, target, agree = AGREE) {
  const outcome = verdict(roundRatios, target, agree)
  if (outcome === undefined) return `no verdict (runs disagree) against target <= ${target}x`
  return `${outcome} (target <= ${target}x; ${agree} consecutive rounds agree)`
}

const ms = ({median, min, max}) => `median ${median.toFixed(1)} ms (min ${min.toFixed(1)}, max ${max.toFixed(1)})`
const ratio = ({median, min, max}) => `median ${median.toFixed(2)}x (min ${min.toFixed(2)}, max ${max.toFixed(2)})`
const mib = (kb) => `${(kb / 1024).toFixed(1)} MiB`

/** The report of a comparison, as lines: each side, both ratios (the CPU one marked as such), each round, verdict. */
export function reportLines({label, aLabel, bLabel, target}, rounds) {
  const all = summarize(rounds.flat())
  const roundRatios = rounds.map((pairs) => summarize(pairs).wallRatio.median)
  const lines = [
    `${label}: ${rounds.length} rounds of ${rounds[0]?.length ?? 0} interleaved pairs`,
    `  A ${aLabel}: wall ${ms(all.a.wallMs)}, cpu ${ms(all.a.cpuMs)}, peak RSS ${mib(all.a.peakRssKb)}`,
    `  B ${bLabel}: wall ${ms(all.b.wallMs)}, cpu ${ms(all.b.cpuMs)}, peak RSS ${mib(all.b.peakRssKb)}`,
    `  A/B wall ratio ${ratio(all.wallRatio)}`,
    `  A/B CPU ratio  ${ratio(all.cpuRatio)} (CPU: user + system of the child)`,
    `  round medians (wall): ${roundRatios.map((value) => `${value.toFixed(2)}x`).join(', ')}`,
  ]
  if (target !== undefined) lines.push(`  verdict: ${verdictLine(roundRatios, target)}`)
  return lines
}

/**
 * One row of README's performance table: what was compared, the median wall ratio with each side's median and the
 * CPU ratio beside it, the target(s) and the verdict. `peakRssTargetMiB` adds a ceiling on A's peak RSS, met only
 * when the wall verdict is MET too.
 */
export function tableRow({label, aLabel, bLabel, target, peakRssTargetMiB}, rounds) {
  const all = summarize(rounds.flat())
  const roundRatios = rounds.map((pairs) => summarize(pairs).wallRatio.median)
  const rssMiB = all.a.peakRssKb / 1024
  let outcome = target === undefined ? 'figures' : (verdict(roundRatios, target) ?? 'no verdict')
  const targets = target === undefined ? [] : [`<= ${target}x`]
  let measured = `${all.a.wallMs.median.toFixed(1)} ms / ${all.b.wallMs.median.toFixed(1)} ms = ${all.wallRatio.median.toFixed(2)}x; **CPU** ${all.cpuRatio.median.toFixed(2)}x`
  if (peakRssTargetMiB !== undefined) {
    measured += `; peak RSS ${rssMiB.toFixed(1)} MiB`
    targets.push(`<= ${peakRssTargetMiB} MiB`)
    // A memory-only row (no time target) is judged on the ceiling alone.
    if (target === undefined) outcome = rssMiB <= peakRssTargetMiB ? 'MET' : 'MISSED'
    else if (outcome === 'MET' && rssMiB > peakRssTargetMiB) outcome = 'MISSED'
  }
  const targetText = targets.join(', ')
  return {bench: `${label}: ${aLabel} vs ${bLabel}`, measured, target: targetText, verdict: outcome}
}

/**
 * Adds a row to the table `npm run bench` prints at its end (bench/run.mjs collects the rows of every bench it
 * starts through BENCH_TABLE_FILE); a bench run on its own just prints its report.
 */
export function recordRow(row) {
  if (process.env.BENCH_TABLE_FILE) appendFileSync(process.env.BENCH_TABLE_FILE, `${JSON.stringify(row)}\n`)
}

/** The rows as a Markdown table, as README's performance section shows them. */
export function tableLines(rows) {
  return ['| bench | measured | target | verdict |', '| --- | --- | --- | --- |', ...rows.map((row) => `| ${row.bench} | ${row.measured} | ${row.target} | ${row.verdict} |`)]
}

/**
 * Runs `a` and `b` (each `{command, args, input?}`) interleaved: `warmup` unmeasured pairs, then `rounds` rounds of
 * `runs` pairs. Prints the report and returns the rounds and the verdict.
 */
export async function compare({label, a, b, aLabel = 'A', bLabel = 'B', target, peakRssTargetMiB, env, runs = 10, rounds = AGREE, warmup = 1}) {
  const run = (side) => measureProcess(side.command, side.args, {env, input: side.input})
  for (let index = 0; index < warmup; index++) {
    await run(a)
    await run(b)
  }
  const measured = []
  for (let round = 0; round < rounds; round++) {
    const pairs = []
    for (let index = 0; index < runs; index++) pairs.push({a: await run(a), b: await run(b)})
    measured.push(pairs)
  }
  for (const line of reportLines({label, aLabel, bLabel, target}, measured)) console.log(line)
  const row = tableRow({label, aLabel, bLabel, target, peakRssTargetMiB}, measured)
  if (peakRssTargetMiB !== undefined) console.log(`  A peak RSS ${(summarize(measured.flat()).a.peakRssKb / 1024).toFixed(1)} MiB (target <= ${peakRssTargetMiB} MiB)`)
  recordRow(row)
  const roundRatios = measured.map((pairs) => summarize(pairs).wallRatio.median)
  return {rounds: measured, verdict: target === undefined ? undefined : verdict(roundRatios, target), row}
}
