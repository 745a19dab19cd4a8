import {redact} from '../../redact.js'
import {errorMessage} from '../../support/error-message.js'

const SOCKET_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS lookup failed)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS: the certificate is not for this host',
  CERT_HAS_EXPIRED: 'TLS: the certificate has expired',
  CERT_NOT_YET_VALID: 'TLS: the certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS: self-signed certificate, not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS: self-signed certificate in the chain, not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS: the certificate does not chain to a trusted CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS: the certificate does not chain to a trusted CA',
  // An https:// URL or tls check on a plain-text port: OpenSSL's own text is a source location, not a reason.
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS: the server answered in plain text, not TLS',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'TLS: the server answered in plain text, not TLS',
  ERR_SSL_HTTP_REQUEST: 'TLS: the server answered in plain text, not TLS',
}

const PLAIN_TEXT_ANSWER = /SSL routines:[^:]*:(wrong version number|packet length too long|http request)/

/** One line for a failed connection: `connection refused (127.0.0.1:5432)`, `TLS: the certificate has expired`. */
export function describeNetworkError(error: unknown, target?: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const known = code === undefined ? undefined : SOCKET_ERRORS[code]
  const where = target === undefined ? '' : ` (${target})`
  if (known !== undefined) return `${known}${where}`
  const message = errorMessage(error)
  // An https request's write fails with EPROTO and only OpenSSL's text says why.
  if (PLAIN_TEXT_ANSWER.test(message)) return `${SOCKET_ERRORS.ERR_SSL_WRONG_VERSION_NUMBER}${where}`
  return redact(`${message.split('\n')[0]}${where}`)
}
