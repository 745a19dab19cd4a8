// The /metrics listener: its own port, apart from anything public (the webhook's port stays for Telegram alone).
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'

import {UserError} from '../user-error.js'
import type {OpsMetrics} from './ops-metrics.js'
import {errorMessage} from '../support/error-message.js'

export interface ListenAddress {
  host: string
  /** 0: any free port (the server's `url` tells which). */
  port: number
}

const EXPECTED = 'expected HOST:PORT, such as 127.0.0.1:9464 or [::1]:9464'

/** `--metrics HOST:PORT`: `127.0.0.1:9464`, `[::1]:9464`, `0.0.0.0:9464`. The host is required: no listener opens to every network by accident. */
export function parseListenAddress(value: string, flag = '--metrics'): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]/]+)):(\d{1,5})$/.exec(value.trim())
  const port = Number(match?.[3])
  if (match === null || port > 65_535) throw new UserError(`${flag}: ${EXPECTED} (got ${JSON.stringify(value)})`)
  return {host: match[1] ?? match[2]!, port}
}

export interface MetricsServer {
  /** `http://127.0.0.1:9464/metrics` */
  url: string
  close(): Promise<void>
}

/** Serves `GET /metrics` (and HEAD) in the Prometheus text format; `/` says where to look; anything else is 404. */
export async function startMetricsServer(address: ListenAddress, metrics: OpsMetrics, logError: (line: string) => void = () => {}): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    request.resume()
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if (request.method !== 'GET' && request.method !== 'HEAD') return void response.writeHead(405, {allow: 'GET, HEAD'}).end()
    if (path === '/') return void response.writeHead(200, {'content-type': 'text/plain; charset=utf-8'}).end('fastpay-tg metrics: /metrics\n')
    if (path !== '/metrics') return void response.writeHead(404, {'content-type': 'text/plain; charset=utf-8'}).end('not found: try /metrics\n')
    metrics.text().then(
      (body) => response.writeHead(200, {'content-type': metrics.registry.contentType, 'content-length': String(Buffer.byteLength(body))}).end(request.method === 'HEAD' ? undefined : body),
      (error: unknown) => {
        logError(`metrics: collecting failed: ${errorMessage(error)}`)
        response.writeHead(500, {'content-type': 'text/plain; charset=utf-8'}).end('collecting metrics failed\n')
      },
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, address)))
    server.listen(address.port, address.host, () => resolve())
  })
  server.on('error', (error) => logError(`metrics: server error: ${error.message}`))
  const {address: bound, port} = server.address() as AddressInfo
  return {
    url: `http://${bound.includes(':') ? `[${bound}]` : bound}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

function listenError(error: NodeJS.ErrnoException, {host, port}: ListenAddress): Error {
  const where = `--metrics ${host.includes(':') ? `[${host}]` : host}:${port}`
  if (error.code === 'EADDRINUSE') return new UserError(`${where}: the port is already in use`)
  if (error.code === 'EACCES') return new UserError(`${where}: not allowed to listen there (ports below 1024 need privileges)`)
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return new UserError(`${where}: no such address on this machine`)
  return error
}
