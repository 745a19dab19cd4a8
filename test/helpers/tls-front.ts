// HTTPS in front of a plain-HTTP test server (the fake Bot API): TLS is terminated on 127.0.0.1 with a self-signed
// certificate for 127.0.0.1 and localhost, and the bytes go on to the target. A client trusts it through
// NODE_EXTRA_CA_CERTS=LOOPBACK_CA, exactly as a user behind a TLS-inspecting proxy trusts their company's CA.
import {readFileSync} from 'node:fs'
import {connect, type Socket} from 'node:net'
import {resolve} from 'node:path'
import {createServer} from 'node:tls'

/** The certificate (its own CA) of the TLS front: pass it as NODE_EXTRA_CA_CERTS. */
export const LOOPBACK_CA = resolve(import.meta.dirname, 'tls/loopback-cert.pem')
const LOOPBACK_KEY = resolve(import.meta.dirname, 'tls/loopback-key.pem')

export interface TlsFront {
  /** `https://127.0.0.1:<port>` */
  url: string
  port: number
  close(): Promise<void>
}

export async function startTlsFront(targetUrl: string): Promise<TlsFront> {
  const target = new URL(targetUrl)
  const sockets = new Set<Socket>()
  const server = createServer({key: readFileSync(LOOPBACK_KEY), cert: readFileSync(LOOPBACK_CA)}, (secure) => {
    const plain = connect(Number(target.port), target.hostname)
    sockets.add(secure).add(plain)
    secure.pipe(plain).pipe(secure)
    secure.on('error', () => plain.destroy())
    plain.on('error', () => secure.destroy())
    secure.on('close', () => plain.destroy())
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const {port} = server.address() as {port: number}
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((done) => server.close(() => done()))
    },
  }
}
