// A real forward proxy on 127.0.0.1, as a company's egress proxy behaves: `CONNECT host:port` opens a tunnel (how
// clients reach https:// targets), and an absolute-form request (`POST http://host/path`) is forwarded (how curl and
// our transport reach http:// targets). It records what it was asked, can demand credentials, and can refuse.
import {createServer, request as httpRequest, type IncomingHttpHeaders, type Server} from 'node:http'
import {connect, type Socket} from 'node:net'

export interface ProxyOptions {
  /** `user:password` the proxy demands in Proxy-Authorization (Basic); others get 407. @default none demanded */
  credentials?: string
  /** Refuse every request with this status (403 a blocked destination, 502 an unreachable upstream). */
  refuseWith?: number
}

export interface SeenRequest {
  /** `CONNECT 127.0.0.1:443` or `POST http://127.0.0.1:8080/bot…/sendMessage`. */
  line: string
  /** The Proxy-Authorization header as received, if any. */
  proxyAuthorization: string | undefined
}

export interface ForwardProxy {
  /** `http://127.0.0.1:<port>`, without credentials. */
  url: string
  port: number
  seen: SeenRequest[]
  close(): Promise<void>
}

const REASONS: Record<number, string> = {403: 'Forbidden', 407: 'Proxy Authentication Required', 502: 'Bad Gateway'}

export async function startForwardProxy(options: ProxyOptions = {}): Promise<ForwardProxy> {
  const seen: SeenRequest[] = []
  const sockets = new Set<Socket>()
  const expectedAuthorization = options.credentials && `Basic ${Buffer.from(options.credentials).toString('base64')}`

  /** The status to refuse with, or undefined to let the request through. */
  const refusal = (headers: IncomingHttpHeaders): number | undefined => {
    if (options.refuseWith !== undefined) return options.refuseWith
    if (expectedAuthorization && headers['proxy-authorization'] !== expectedAuthorization) return 407
    return undefined
  }

  const server: Server = createServer((request, response) => {
    seen.push({line: `${request.method} ${request.url}`, proxyAuthorization: request.headers['proxy-authorization']})
    const status = refusal(request.headers)
    let target: URL | undefined
    try {
      target = new URL(request.url ?? '')
    } catch {
      target = undefined
    }
    if (status !== undefined || target === undefined || target.protocol !== 'http:') {
      const code = status ?? 400
      response.writeHead(code, REASONS[code] ?? 'Refused', {'content-type': 'text/html', ...(code === 407 ? {'proxy-authenticate': 'Basic realm="egress"'} : {})})
      response.end(`<html><body><h1>${code} ${REASONS[code] ?? 'Refused'}</h1></body></html>`)
      return
    }
    const headers = {...request.headers}
    delete headers['proxy-authorization']
    delete headers['proxy-connection']
    const upstream = httpRequest(
      {host: target.hostname, port: target.port || 80, method: request.method, path: `${target.pathname}${target.search}`, headers},
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers)
        answer.pipe(response)
      },
    )
    upstream.on('error', () => response.destroy())
    request.pipe(upstream)
  })

  server.on('connect', (request, socket: Socket, head: Buffer) => {
    seen.push({line: `CONNECT ${request.url}`, proxyAuthorization: request.headers['proxy-authorization']})
    sockets.add(socket)
    socket.on('error', () => socket.destroy())
    const status = refusal(request.headers)
    if (status !== undefined) {
      const extra = status === 407 ? 'Proxy-Authenticate: Basic realm="egress"\r\n' : ''
      socket.end(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Refused'}\r\n${extra}Content-Length: 0\r\n\r\n`)
      return
    }
    const [host = '', port = '443'] = (request.url ?? '').split(/:(?=\d+$)/)
    const upstream = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('error', () => socket.destroy())
    socket.on('close', () => upstream.destroy())
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: async () => {
      server.closeAllConnections()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
