/** Keys in order, all the way down: toStrictEqual does not compare the order of an object's keys. */
export function keyOrderShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keyOrderShape)
  if (value !== null && typeof value === 'object') return Object.entries(value).map(([key, entry]) => [key, keyOrderShape(entry)])
  return value
}
