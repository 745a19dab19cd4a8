/** Thrown by method handlers; the server answers it as Telegram's `{ok: false, ...}`. */
export class FakeApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description)
  }
}

export const badRequest = (detail: string, parameters?: Record<string, unknown>) =>
  new FakeApiError(400, `Bad Request: ${detail}`, parameters)

/** Reads parameters the way Telegram does: form bodies carry strings, JSON bodies carry typed values. */
export class Params {
  constructor(readonly raw: Record<string, unknown>) {}

  has(name: string): boolean {
    const value = this.raw[name]
    return value !== undefined && value !== null && value !== ''
  }

  string(name: string): string | undefined {
    const value = this.raw[name]
    if (value === undefined || value === null) return undefined
    return typeof value === 'string' ? value : JSON.stringify(value)
  }

  int(name: string): number | undefined {
    const value = this.raw[name]
    if (value === undefined || value === null || value === '') return undefined
    const number = typeof value === 'number' ? value : Number(value)
    if (!Number.isInteger(number)) throw badRequest(`invalid ${name} specified`)
    return number
  }

  bool(name: string): boolean {
    const value = this.raw[name]
    return value === true || value === 'true' || value === '1' || value === 1
  }

  /** Objects such as reply_markup: JSON-encoded in form bodies, plain in JSON bodies. */
  json<T>(name: string): T | undefined {
    const value = this.raw[name]
    if (value === undefined || value === null || value === '') return undefined
    if (typeof value !== 'string') return value as T
    try {
      return JSON.parse(value) as T
    } catch {
      throw badRequest(`can't parse ${name} JSON object`)
    }
  }
}
