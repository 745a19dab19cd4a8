// A self-signed certificate that lives one day, made with the openssl CLI in a temporary directory, and an HTTPS
// server on 127.0.0.1 that presents it. Node itself cannot make X.509 certificates.
import {execFileSync} from 'node:child_process'
import {X509Certificate} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {createServer, type Server} from 'node:https'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'

import {tempDir} from '../throttle/helpers.js'

/** Why TLS tests cannot run here, or undefined when they can. */
export function tlsUnavailable(): string | undefined {
  try {
    execFileSync('openssl', ['version'], {stdio: 'ignore'})
    return undefined
  } catch {
    return 'the openssl CLI is not installed: it makes the short-lived self-signed certificate these tests need'
  }
}

export interface ShortLivedCert {
  certPath: string
  cert: string
  key: string
  /** Epoch ms of the certificate's notAfter. */
  validTo: number
}

export function makeShortLivedCert(): ShortLivedCert {
  const dir = tempDir('fastpay-tg-tls-')
  const certPath = join(dir, 'cert.pem')
  const keyPath = join(dir, 'key.pem')
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyPath, '-out', certPath,
  ], {stdio: 'ignore'})
  const cert = readFileSync(certPath, 'utf8')
  return {certPath, cert, key: readFileSync(keyPath, 'utf8'), validTo: Date.parse(new X509Certificate(cert).validTo)}
}

export async function startHttpsServer(certificate: ShortLivedCert): Promise<{port: number; close(): Promise<void>}> {
  const server: Server = createServer({cert: certificate.cert, key: certificate.key}, (request, response) => {
    request.resume()
    response.writeHead(200, {'content-type': 'application/json'})
    response.end('{"status":"ok"}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
