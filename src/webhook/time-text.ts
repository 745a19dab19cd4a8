/** `14:02 UTC` */
export function utcClock(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 16)} UTC`
}

/** `1h`, `30m`, `1h 30m`, `2d`, `45s`: the largest units, two at most. */
export function shortDuration(seconds: number): string {
  const units: Array<[string, number]> = [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]]
  const parts: string[] = []
  let rest = Math.max(0, Math.round(seconds))
  for (const [unit, size] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${unit}`)
      rest %= size
    } else if (parts.length > 0) break
  }
  return parts.length === 0 ? '0s' : parts.join(' ')
}
