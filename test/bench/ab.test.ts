import {describe, expect, it} from 'vitest'
import {median, type Pair, reportLines, spread, summarize, tableLines, tableRow, verdict, verdictLine} from '../../bench/ab.mjs'

const sample = (wallMs: number, cpuMs: number, maxRssKb: number) => ({wallMs, cpuMs, maxRssKb})

describe('bench A/B statistics', () => {
  it('takes the median of odd and even counts, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([7])).toBe(7)
    expect(() => median([])).toThrow('median of no values')
  })

  it('reports median, min and max', () => {
    expect(spread([30, 10, 20, 50, 40])).toEqual({median: 30, min: 10, max: 50})
  })

  it('divides within each pair, not medians by medians', () => {
    // A's median is 100 and B's is 100, yet every pair has A slower: the per-pair ratios say so.
    const pairs: Pair[] = [
      {a: sample(100, 40, 50_000), b: sample(50, 20, 30_000)},
      {a: sample(200, 80, 60_000), b: sample(100, 20, 31_000)},
      {a: sample(300, 90, 55_000), b: sample(150, 30, 32_000)},
    ]
    const summary = summarize(pairs)
    expect(summary.a.wallMs).toEqual({median: 200, min: 100, max: 300})
    expect(summary.b.wallMs).toEqual({median: 100, min: 50, max: 150})
    expect(summary.wallRatio).toEqual({median: 2, min: 2, max: 2})
    expect(summary.cpuRatio).toEqual({median: 3, min: 2, max: 4})
    expect(summary.a.cpuMs).toEqual({median: 80, min: 40, max: 90})
    expect(summary.a.peakRssKb).toBe(60_000)
    expect(summary.b.peakRssKb).toBe(32_000)
  })

  it('gives a verdict only when the last three rounds agree', () => {
    expect(verdict([1.9, 1.8, 1.95], 2)).toBe('MET')
    expect(verdict([2.1, 2.2, 2.05], 2)).toBe('MISSED')
    expect(verdict([2, 2, 2], 2)).toBe('MET')
    expect(verdict([2.11, 1.57, 1.81], 2)).toBeUndefined()
    expect(verdict([1.9, 1.8], 2)).toBeUndefined()
    // An earlier disagreeing round no longer counts once three in a row agree.
    expect(verdict([2.5, 1.9, 1.8, 1.7], 2)).toBe('MET')
    expect(verdict([1.9, 1.8, 1.7, 2.5], 2)).toBeUndefined()
    expect(verdictLine([2.11, 1.57, 1.81], 2)).toBe('no verdict (runs disagree) against target <= 2x')
    expect(verdictLine([1.9, 1.8, 1.7], 2)).toBe('MET (target <= 2x; 3 consecutive rounds agree)')
  })

  it('prints each side, both ratios with the CPU one marked, the round medians and the verdict', () => {
    const round = (ratio: number): Pair[] => [{a: sample(100 * ratio, 50, 2048), b: sample(100, 25, 1024)}]
    const lines = reportLines({label: 'cold start', aLabel: 'cli', bLabel: 'node', target: 2}, [
      round(1.5),
      round(2.5),
      round(1.8),
    ])
    expect(lines).toEqual([
      'cold start: 3 rounds of 1 interleaved pairs',
      '  A cli: wall median 180.0 ms (min 150.0, max 250.0), cpu median 50.0 ms (min 50.0, max 50.0), peak RSS 2.0 MiB',
      '  B node: wall median 100.0 ms (min 100.0, max 100.0), cpu median 25.0 ms (min 25.0, max 25.0), peak RSS 1.0 MiB',
      '  A/B wall ratio median 1.80x (min 1.50, max 2.50)',
      '  A/B CPU ratio  median 2.00x (min 2.00, max 2.00) (CPU: user + system of the child)',
      '  round medians (wall): 1.50x, 2.50x, 1.80x',
      '  verdict: no verdict (runs disagree) against target <= 2x',
    ])
  })

  it("makes one row of README's table: both medians, the wall ratio, the CPU ratio marked, target and verdict", () => {
    const round = (ratio: number, rssKb: number): Pair[] => [{a: sample(100 * ratio, 60, rssKb), b: sample(100, 30, 1024)}]
    const labels = {label: 'send', aLabel: 'cli', bLabel: 'bare', target: 2}
    expect(tableRow(labels, [round(1.5, 2048), round(1.8, 2048), round(1.9, 2048)])).toEqual({
      bench: 'send: cli vs bare',
      measured: '180.0 ms / 100.0 ms = 1.80x; **CPU** 2.00x',
      target: '<= 2x',
      verdict: 'MET',
    })
    expect(tableRow(labels, [round(1.5, 2048), round(2.5, 2048), round(1.9, 2048)]).verdict).toBe('no verdict')
    // A peak RSS over its ceiling turns a met time target into MISSED.
    const withRss = {...labels, peakRssTargetMiB: 65}
    expect(tableRow(withRss, [round(1.5, 66 * 1024), round(1.8, 1024), round(1.9, 1024)])).toMatchObject({
      measured: '180.0 ms / 100.0 ms = 1.80x; **CPU** 2.00x; peak RSS 66.0 MiB',
      target: '<= 2x, <= 65 MiB',
      verdict: 'MISSED',
    })
    expect(tableRow(withRss, [round(1.5, 60 * 1024), round(1.8, 1024), round(1.9, 1024)]).verdict).toBe('MET')
    expect(tableRow({label: 'x', aLabel: 'a', bLabel: 'b'}, [round(1.5, 1024)])).toMatchObject({target: '', verdict: 'figures'})
    // A memory-only row: the ceiling alone decides.
    expect(tableRow({label: 'x', aLabel: 'a', bLabel: 'b', peakRssTargetMiB: 65}, [round(3, 60 * 1024)])).toMatchObject({target: '<= 65 MiB', verdict: 'MET'})
    expect(tableRow({label: 'x', aLabel: 'a', bLabel: 'b', peakRssTargetMiB: 65}, [round(1, 70 * 1024)])).toMatchObject({verdict: 'MISSED'})
    expect(tableLines([{bench: 'b', measured: 'm', target: 't', verdict: 'v'}])).toEqual(['| bench | measured | target | verdict |', '| --- | --- | --- | --- |', '| b | m | t | v |'])
  })
})
