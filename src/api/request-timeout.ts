// The transport's own deadline, apart from transport.ts: the client tells a timeout from other failures by this class,
// and must not load node:http to do so.

/** A request was not answered in full within its `timeoutMs` (connect, send and the whole answer). */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError'

  constructor(readonly timeoutMs: number) {
    super(`request timed out after ${timeoutMs} ms`)
  }
}

/** The transport's failure was its deadline: fetch-style, `fetch failed` with the reason as its cause. */
export function isRequestTimeout(error: unknown): boolean {
  return error instanceof RequestTimeoutError || (error as {cause?: unknown} | null)?.cause instanceof RequestTimeoutError
}
