import {isIP} from 'node:net'
import {connect} from 'node:tls'

import type {TlsCheck} from '../check-spec.js'
import {type CheckOutcome, fail, pass} from '../check-result.js'
import {formatDowntime, formatSpan} from '../../support/duration.js'
import {describeNetworkError} from './network-error.js'

/**
 * Connects, reads the server's certificate, and fails when it expires within `expiresWithinMs` of `now`. With
 * `tlsVerify` (the default) a certificate that does not verify fails the handshake, and so the check.
 */
export async function runTlsCheck(check: TlsCheck, signal: AbortSignal, now: number): Promise<CheckOutcome> {
  let validTo: number
  try {
    validTo = await certificateEnd(check, signal)
  } catch (error) {
    if (signal.aborted) throw error
    return fail(describeNetworkError(error, `${check.host}:${check.port}`))
  }
  if (!Number.isFinite(validTo)) return fail('the server sent no certificate')
  const until = new Date(validTo).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const left = validTo - now
  if (left <= 0) return fail(`the certificate expired ${formatDowntime(-left)} ago (${until})`)
  if (left <= check.expiresWithinMs) {
    return fail(`the certificate expires in ${formatDowntime(left)} (${until}), within ${formatSpan(check.expiresWithinMs)}`)
  }
  return pass(`certificate valid until ${until} (${formatDowntime(left)} left)`)
}

function certificateEnd(check: TlsCheck, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: check.host,
      port: check.port,
      // SNI takes host names only.
      ...(isIP(check.host) === 0 ? {servername: check.host} : {}),
      rejectUnauthorized: check.tlsVerify,
      ...(check.ca === undefined ? {} : {ca: check.ca}),
    })
    const stop = () => {
      socket.destroy()
      reject(signal.reason)
    }
    signal.addEventListener('abort', stop, {once: true})
    socket.once('secureConnect', () => {
      signal.removeEventListener('abort', stop)
      const certificate = socket.getPeerCertificate()
      socket.destroy()
      resolve(Date.parse(certificate.valid_to ?? ''))
    })
    socket.once('error', (error) => {
      signal.removeEventListener('abort', stop)
      socket.destroy()
      reject(error)
    })
  })
}
