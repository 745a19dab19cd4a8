import {hostname} from 'node:os'

import type {Env} from '../../config/index.js'
import {UserError} from '../../user-error.js'

export const HOST_ENV = 'FASTPAY_TG_HOST'

/** `--host`, else FASTPAY_TG_HOST, else the machine's name. */
export function resolveHost(flag: string | undefined, env: Env = process.env): string {
  const host = flag ?? (env[HOST_ENV]?.trim() || hostname())
  if (host === '' || /[\s/]/.test(host)) throw new UserError(`--host: expected a name without spaces or "/", got ${JSON.stringify(host)}`)
  return host
}
