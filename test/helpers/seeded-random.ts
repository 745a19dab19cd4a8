/**
 * A small deterministic generator (mulberry32): the same sequence on every run, so that a failing case found by a
 * generated test (or a kill point of the kill loop) comes back when the test runs again.
 */
export function seeded(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
