/** A plain object read from JSON or YAML (not null, not an array), whose fields are still to be checked. */
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
