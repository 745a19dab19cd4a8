/** `20250601T140211.123Z`: sortable, and safe in a file name on every platform. */
export function compactTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, '')
}
