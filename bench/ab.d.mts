// Types of bench/ab.mjs for test/bench/ab.test.ts (tsconfig type-checks TypeScript only).
export interface Spread {
  median: number
  min: number
  max: number
}
export interface Sample {
  wallMs: number
  cpuMs: number
  maxRssKb: number
}
export interface Pair {
  a: Sample
  b: Sample
}
export interface SideSummary {
  wallMs: Spread
  cpuMs: Spread
  peakRssKb: number
}
export interface Summary {
  a: SideSummary
  b: SideSummary
  wallRatio: Spread
  cpuRatio: Spread
}
export type Verdict = 'MET' | 'MISSED'
export interface Side {
  command: string
  args: string[]
  input?: string
}

export const AGREE: number
export function median(values: number[]): number
export function spread(values: number[]): Spread
export function summarize(pairs: Pair[]): Summary
export function verdict(roundRatios: number[], target: number, agree?: number): Verdict | undefined
export function verdictLine(roundRatios: number[], target: number, agree?: number): string
export function reportLines(
  labels: {label: string; aLabel: string; bLabel: string; target?: number},
  rounds: Pair[][],
): string[]
export interface TableRow {
  bench: string
  measured: string
  target: string
  verdict: string
}
export function tableRow(
  labels: {label: string; aLabel: string; bLabel: string; target?: number; peakRssTargetMiB?: number},
  rounds: Pair[][],
): TableRow
export function recordRow(row: TableRow): void
export function tableLines(rows: TableRow[]): string[]
export function compare(options: {
  label: string
  a: Side
  b: Side
  aLabel?: string
  bLabel?: string
  target?: number
  peakRssTargetMiB?: number
  env?: NodeJS.ProcessEnv
  runs?: number
  rounds?: number
  warmup?: number
}): Promise<{rounds: Pair[][]; verdict: Verdict | undefined; row: TableRow}>
