/**
 * Looks up `$.checks[0].status` in a parsed JSON value: `$`, then `.key` and `[index]` steps. Keys are taken
 * literally (no wildcards, no filters): a health endpoint's answer needs no more.
 */
export function valueAtJsonPath(json: unknown, path: string): {found: true; value: unknown} | {found: false} {
  let value = json
  for (const [, key, index] of path.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) {
    if (index !== undefined) {
      if (!Array.isArray(value) || Number(index) >= value.length) return {found: false}
      value = value[Number(index)]
    } else {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key!)) return {found: false}
      value = (value as Record<string, unknown>)[key!]
    }
  }
  return {found: true, value}
}
