import type {FailNextOptions, FaultKind} from './types.js'

interface PendingFault {
  method: string | undefined
  remaining: number
  kind: FaultKind
}

/** Injected faults, consumed in the order they were added by the first request they match. */
export class FaultQueue {
  private pending: PendingFault[] = []

  add(options: FailNextOptions): void {
    this.pending.push({method: options.method, remaining: options.times ?? 1, kind: options.kind})
  }

  take(method: string): FaultKind | undefined {
    const index = this.pending.findIndex((fault) => fault.method === undefined || sameMethod(fault.method, method))
    const fault = this.pending[index]
    if (fault === undefined) return undefined
    fault.remaining--
    if (fault.remaining <= 0) this.pending.splice(index, 1)
    return fault.kind
  }

  clear(): void {
    this.pending = []
  }
}

/** Telegram treats method names case-insensitively. */
export const sameMethod = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

export const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  409: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
  500: 'Internal Server Error',
}

const NGINX_STATUS_TEXT: Record<number, string> = {502: 'Bad Gateway', 503: 'Service Temporarily Unavailable'}

/** The page nginx serves when Telegram's backend is down: HTML, not JSON. */
export function nginxErrorPage(status: number): string {
  const title = `${status} ${NGINX_STATUS_TEXT[status] ?? 'Error'}`
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n`
}
